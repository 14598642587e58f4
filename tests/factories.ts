import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { type Board, createBoard } from '../server/boards/boards.service';
import { addModerator } from '../server/moderation/moderation.service';
import type { Database, SiteRole } from '../server/db/database';
import { type Member, createMember as createMemberService } from '../server/members/members.service';
import type { Post } from '../server/posts/posts.model';
import { createThread as createThreadService, reply } from '../server/posts/posts.service';
import { type HttpClient, type TestApp, type TestAppOptions, startTestApp } from './helpers/app';
import { unpaced } from '../server/limits/paced';

let counter = 0;
const unique = () => `${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}`;

export const PASSWORD = 'correct horse battery';

// Digits only after the prefix: letters would make names that look alike (1 and l, 0 and o,
// rn and m), which registration refuses.
const uniqueName = (prefix = 'm') => `${prefix}_${Date.now() % 1_000_000}_${counter++}`;

/** A member as the factories make them: with the password to log in with. */
export type TestMember = Member & { password: string };

/** A member with a unique name (and the password PASSWORD unless given). */
export async function createMember(
  db: Kysely<Database>,
  overrides: { name?: string; password?: string; role?: SiteRole } = {},
): Promise<TestMember> {
  const password = overrides.password ?? PASSWORD;
  const member = await createMemberService(db, { username: overrides.name ?? uniqueName(), password, role: overrides.role });
  return { ...member, password };
}

/** A board with a unique slug, optionally with moderators. */
export async function createTestBoard(db: Kysely<Database>, overrides: { slug?: string; name?: string; moderators?: string[] } = {}) {
  const board = await createBoard(db, { slug: overrides.slug ?? `b-${unique()}`, name: overrides.name ?? '測試版' });
  for (const m of overrides.moderators ?? []) await addModerator(db, board.slug, m);
  return board;
}

/** A new member made moderator (版主) of the board; their site role is then moderator. */
export async function createModerator(
  db: Kysely<Database>,
  board: { slug: string },
  overrides: { name?: string } = {},
): Promise<TestMember> {
  const member = await createMember(db, { name: overrides.name ?? uniqueName('mod') });
  await addModerator(db, board.slug, member.name);
  return { ...member, role: 'moderator' };
}

/**
 * A thread started through the posts service (its event and counters as the app writes them):
 * in a new board and by a new member unless given.
 */
export async function createThread(
  db: Kysely<Database>,
  options: { board?: { slug: string }; author?: Member; title?: string; body?: string } = {},
): Promise<Post> {
  const board = options.board ?? (await createTestBoard(db));
  const author = options.author ?? (await createMember(db));
  return createThreadService(db, author, board.slug, { title: options.title ?? '測試主題', body: options.body }, unpaced);
}

/** A follow-up to any post, through the posts service; by the parent's author unless given. */
export async function createReply(
  db: Kysely<Database>,
  parentId: string,
  options: { author?: Member; title?: string; body?: string } = {},
): Promise<Post> {
  const author = options.author ?? (await authorOf(db, parentId));
  return reply(db, author, parentId, { title: options.title ?? '測試跟帖', body: options.body }, unpaced);
}

async function authorOf(db: Kysely<Database>, postId: string): Promise<Member> {
  return db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .select(['users.id', 'users.name', 'users.role'])
    .where('posts.id', '=', postId)
    .executeTakeFirstOrThrow();
}

/**
 * tests/fixtures/source-thread-shape.json: a real follow-up tree from a busy Chinese BBS (one root,
 * 37 follow-ups in display order, depth up to 5, 25 of them title-only), text left out.
 */
export interface ThreadShape {
  root: { author: number; bytes: number; titleChars: number };
  replies: { id: number; parent: number; depth: number; author: number; bytes: number; titleChars: number; minutes: number }[];
}
export const THREAD_SHAPE = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'source-thread-shape.json'), 'utf8')) as ThreadShape;

/** A body of exactly `bytes` UTF-8 bytes once stored: <p>…</p> around CJK (3 bytes) and ASCII filler; '' for 0. */
export function bodyOfBytes(bytes: number): string {
  if (bytes === 0) return '';
  const inner = bytes - '<p></p>'.length;
  const cjk = Math.floor(inner / 3);
  return `<p>${'帖'.repeat(cjk)}${'x'.repeat(inner - cjk * 3)}</p>`;
}

/** The title of the shape's post `id`, `chars` characters long: "3號題題…". */
export const shapeTitle = (id: number, chars: number) => `${id}號${'題'.repeat(Math.max(0, chars - String(id).length - 1))}`;

/**
 * A whole thread shaped like THREAD_SHAPE, written through the posts service in time order (as
 * it was written), with the shape's titles and byte counts. `ids[n]` is the id of the shape's post
 * n (0 is the root). Authors: `authors[i % authors.length]` writes what the shape's author i wrote;
 * by default one new member for each of the shape's authors.
 */
export async function createShapedThread(
  db: Kysely<Database>,
  options: { board?: { slug: string }; authors?: Member[] } = {},
): Promise<{ root: Post; ids: string[] }> {
  const shape = THREAD_SHAPE;
  const board = options.board ?? (await createTestBoard(db));
  let authors = options.authors ?? [];
  if (authors.length === 0) {
    const count = 1 + Math.max(shape.root.author, ...shape.replies.map((r) => r.author));
    authors = [];
    for (let i = 0; i < count; i++) authors.push(await createMember(db, { name: uniqueName(`author${i}`) }));
  }
  const by = (i: number) => authors[i % authors.length]!;
  const root = await createThreadService(
    db,
    by(shape.root.author),
    board.slug,
    {
      title: shapeTitle(0, shape.root.titleChars),
      body: bodyOfBytes(shape.root.bytes),
    },
    unpaced,
  );
  const ids: string[] = [root.id];
  for (const r of [...shape.replies].sort((a, b) => a.minutes - b.minutes || a.id - b.id)) {
    const post = await reply(
      db,
      by(r.author),
      ids[r.parent]!,
      { title: shapeTitle(r.id, r.titleChars), body: bodyOfBytes(r.bytes) },
      unpaced,
    );
    ids[r.id] = post.id;
  }
  return { root, ids };
}

/** Deterministic CJK text with nothing in common between seeds (the costliest pair to diff). */
export function scrambled(seed: number, chars: number): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < chars; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out += String.fromCharCode(0x4e00 + (s % 3000));
  }
  return out;
}

/** Logs a client in through the API (the session cookie lands in its jar). */
export async function logInClient(client: HttpClient, member: { name: string; password: string }): Promise<void> {
  const res = await client.post('/api/login', { username: member.name, password: member.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
}

/** A logged-in client for a new member. */
export async function memberClient(db: Kysely<Database>, client: HttpClient, overrides: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(db, overrides);
  await logInClient(client, member);
  return member;
}

/**
 * One member and logged-in client for each kind of actor, named `${who}_<digits>`: 'anonymous'
 * gets a client that is not logged in, 'admin' the site role admin, everyone else is a member.
 */
export async function createCast<W extends string>(app: TestApp, who: readonly W[]) {
  const members = {} as Record<Exclude<W, 'anonymous'>, TestMember>;
  const clients = {} as Record<W, HttpClient>;
  for (const w of who) {
    clients[w] = app.client();
    if (w === 'anonymous') continue;
    const member = await createMember(app.db, { name: uniqueName(w), role: w === 'admin' ? 'admin' : 'member' });
    members[w as Exclude<W, 'anonymous'>] = member;
    await logInClient(clients[w], member);
  }
  return { members, clients };
}

/** An app with a board and a logged-in member's client, the writer most test files start with. */
export async function startBoardApp(
  options: { writer?: Parameters<typeof createMember>[1]; board?: { name?: string }; app?: TestAppOptions } = {},
): Promise<{ app: TestApp; board: Board; writer: HttpClient; member: TestMember }> {
  const app = await startTestApp(options.app);
  const board = await createTestBoard(app.db, options.board);
  const writer = app.client();
  const member = await memberClient(app.db, writer, options.writer);
  return { app, board, writer, member };
}

/** A post as the JSON API answers it. */
export interface ApiPost {
  id: string;
  threadId: string;
  parentId: string | null;
  depth: number;
  title: string;
  body: string;
  bytes: number;
  deleted: boolean;
  replyCount: number;
}

/** Starts a thread through the JSON API as the client's member; fails unless it answers 201. */
export async function postThread(client: HttpClient, board: { slug: string }, title = '主題', body?: string): Promise<ApiPost> {
  const res = await client.post(`/api/boards/${board.slug}/threads`, { title, body });
  if (res.status !== 201) throw new Error(`starting a thread failed: ${res.status} ${res.text}`);
  return res.json.post;
}

/** Replies through the JSON API as the client's member; fails unless it answers 201. */
export async function postReply(client: HttpClient, parentId: string, title: string, body?: string): Promise<ApiPost> {
  const res = await client.post(`/api/posts/${parentId}/replies`, { title, body });
  if (res.status !== 201) throw new Error(`replying to ${parentId} failed: ${res.status} ${res.text}`);
  return res.json.post;
}
