import type { Request } from 'express';
import type { ConversionRulesSource, ThreadStates } from '../caches';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import type { TagPart } from '../http/conditional';
import { type Action, type Actor, type Rules, can } from '../policy/policy';
import { type ActorColumns, actorFromRow, actorSql } from '../policy/policy.repository';
import type { PageContext } from '../views/layout';
import { type OwnHeldLine, toOwnHeldLines } from './posts.held';
import { ownHeldInThread } from './posts.held.repository';
import type { Ignoring } from '../db/member';
import { ignoredJson, toIgnoring } from '../members/ignores.repository';
import { type PositionSource, positionOf } from './posts.seen.repository';
import { NEW_COUNT_CAP, type SeenBefore } from './posts.seen';

/**
 * What a thread page (`/t/:id`) or its JSON (`GET /api/posts/:id`) is a version of, read before
 * any of the work so an unchanged answer is a 304 without reading the tree or rendering it
 * (http/conditional.ts). The rules, in docs/performance.md:
 *
 * - the thread's seq: every change to a thread (a follow-up, an edit, a deletion, a lock, a pin)
 *   raises it; its read count, which the page and the JSON show (it changes at most once per
 *   READ_FLUSH_MS); the board's name and slug, which the page links to, and whether it is
 *   archived (read-only: no reply form, fewer buttons);
 * - who reads: logged in or not, and then the member (id, name, site role), their role on the
 *   board and any ban in force, whether they see deleted posts, and what they may do to the post
 *   (its buttons: the edit window closing changes them without any change to the thread), and
 *   for a page (option `held`) the member's own follow-ups waiting for review in the thread
 *   (posts.held.ts), read in the same statement and handed to the page to lay over its tree;
 * - the conversion-rules version of the board's posts (option `conversion`: the site's glossary
 *   and the board's, text/glossary.ts), so a glossary change is never answered with a 304;
 * - for a page, the rest of what is personal or per request (pageParts).
 *
 * Read before the page, it never claims a newer thread than the page shows: at worst a change
 * that lands in between makes the next request a full answer again. Authors' names and roles are
 * shown as they were when the thread last changed, as the cached tree (caches.lines) shows them: a
 * change to either is an event of each thread the author wrote in (recordAuthorChange).
 */
export async function postVersion(
  db: Db,
  id: string,
  viewer: Member | null,
  rules: Rules,
  options: {
    muted?: boolean;
    /** The version read (its thread, seq, read count and board), for a caller that keeps what it answers. */
    facts?: (facts: VersionFacts) => void;
    /** This process's thread versions (caches.ts), taught what was read (the generation taken before the read). */
    learn?: ThreadStates;
    /** The glossaries (caches.ts ConversionRulesSource): their version for the board is part of the tag. */
    conversion?: ConversionRulesSource;
    /** The viewer's own follow-ups waiting for review in the thread (read in the same statement), for the page to show. */
    held?: (lines: OwnHeldLine[]) => void;
    /** What was read of the viewer on the post's board (and, with `muted`, whether they muted the thread), for the page to reuse. */
    viewer?: (known: KnownViewer) => void;
    /** Whom the viewer ignores (a member's page collapses their lines), read in the same statement. */
    ignoring?: (ignoring: Ignoring | undefined) => void;
    /**
     * The reader's position in the thread before this visit (posts.seen.ts SeenBefore), read in the
     * same statement: whose it is (readerOf; null: none to read) and where it goes.
     */
    seen?: { source: PositionSource | null; read: (seen: SeenBefore | null) => void };
  } = {},
): Promise<TagPart[] | undefined> {
  if (!isId(id)) return undefined;
  // Taken before the read: what it read is learnt only if the LISTEN link stayed up meanwhile.
  const generation = options.learn?.generation;
  const row = await findPostVersion(db, id, viewer, {
    held: options.held !== undefined,
    muted: options.muted === true,
    ignoring: options.ignoring !== undefined,
    seen: options.seen?.source ?? null,
  });
  // No such post: no tag; the full path answers the 404.
  if (!row) return undefined;
  const read: VersionFacts = { threadId: row.thread_id, seq: Number(row.seq), readCount: Number(row.read_count), boardId: row.board_id };
  options.learn?.learn(read.threadId, { seq: read.seq, readCount: read.readCount }, generation!);
  options.facts?.(read);
  const actor = viewer ? actorFromRow(viewer, row as typeof row & ActorColumns) : null;
  const muted = viewer && options.muted ? row.muted === true : null;
  options.viewer?.({ boardId: row.board_id, threadId: row.thread_id, actor, muted });
  const facts = { authorId: row.author_id, createdAt: row.created_at, deleted: row.deleted_at !== null, locked: row.locked };
  const allowed = SHOWN_ACTIONS.map((action) => (can(actor, action, facts, rules) ? '1' : '0')).join('');
  const held = toOwnHeldLines(row.held ?? null);
  options.held?.(held);
  options.ignoring?.(toIgnoring(row.ignored));
  options.seen?.read(
    options.seen.source && row.last_post_id !== undefined
      ? { threadId: row.thread_id, postId: row.seen_post_id ?? null, newCount: row.new_count ?? 0, lastPostId: row.last_post_id }
      : null,
  );
  return [
    row.seq,
    row.read_count,
    row.thread_id,
    row.board_slug,
    row.board_name,
    // Archiving a board takes its threads' reply forms and buttons away without a thread event.
    row.board_archived_at !== null,
    viewer?.id,
    viewer?.name,
    viewer?.role,
    actor?.role,
    actor?.ban ? `${actor.ban.id}:${actor.ban.expiresAt.toISOString()}` : null,
    can(actor, 'seeDeleted', null),
    allowed,
    muted,
    // A held post of the viewer's shown, approved or rejected changes their page, not the thread.
    held.map((h) => h.id).join(','),
    // The conversion-rules version (the site's glossary and the board's): a change converts anew.
    options.conversion?.versionFor(row.board_id),
  ];
}

/** The thread version a post's page or JSON is of: what keeping it needs (posts.pages.ts). */
export interface VersionFacts {
  threadId: string;
  seq: number;
  readCount: number;
  boardId: string;
}

/**
 * The viewer as postVersion read them on a post's board and thread: a page read right after it
 * takes them from here rather than reading them again (posts.windows.ts WindowRequest.known).
 */
export interface KnownViewer {
  boardId: string;
  threadId: string;
  actor: Actor | null;
  /** Whether they muted the thread; null when not read (no viewer, or not asked). */
  muted: boolean | null;
}

/** What a post's page shows buttons for (posts.permissions.ts permissionsFor), and replying. */
const SHOWN_ACTIONS: readonly Action[] = ['post', 'edit', 'delete', 'restore', 'lock', 'pin', 'feature', 'report'];

/**
 * The rest of a page's version: the address as asked (prefix and query included: the page links
 * back to it), the reader's variant, the display settings and the built assets' names, the
 * member's unread counts (the header shows them) and whom they ignore (their lines collapse).
 */
export function pageParts(req: Request, ctx: PageContext): TagPart[] {
  return [
    'page',
    ctx.path,
    ctx.variant,
    ctx.prefix,
    ctx.timeZone,
    ctx.mail,
    ctx.assets.style,
    ctx.assets.script,
    ctx.unread?.messages,
    ctx.unread?.notifications,
    ctx.unread?.held,
    ctx.ignored ? [...ctx.ignored.ids].sort().join(',') : null,
    req.sessionExpired,
  ];
}

/** The JSON's version beyond postVersion: the address as asked (its query names the variant). */
export function apiParts(req: Request): TagPart[] {
  return ['api', req.originalUrl];
}

/**
 * One row: the post's thread, seq and board, and what the policy needs to know of the post; with
 * a viewer, their role and ban on the post's board (policy.repository actorSql), and with `held`
 * their follow-ups waiting for review in the thread (posts.held.repository.ts), with `muted`
 * whether they muted the thread, with `ignoring` whom they ignore, and with `seen` the reader's
 * position in the thread (posts.seen.repository.ts positionOf): what a member's page needs of them,
 * in the one round trip.
 */
async function findPostVersion(
  db: Db,
  id: string,
  viewer: Member | null,
  parts: { held: boolean; muted: boolean; ignoring: boolean; seen: PositionSource | null },
) {
  const seen = parts.seen;
  const values: PostVersionValues = { id };
  if (viewer) values.viewerId = viewer.id;
  if (seen && 'memberId' in seen) values.seenMemberId = seen.memberId;
  else if (seen) Object.assign(values, { seenThreads: seen.threads, seenSeqs: seen.seqs });
  const member = viewer !== null;
  const shape = [
    member,
    member && parts.held,
    member && parts.muted,
    member && parts.ignoring,
    seen && ('memberId' in seen ? 'member' : 'cookie'),
  ] as const;
  return (await preparedQuery(db, 'post_version', postVersionQuery(db, values, ...shape)))[0];
}

/** The values of the statement findPostVersion sends: the viewer's id when there is one, the reader's positions when asked. */
interface PostVersionValues extends Record<string, unknown> {
  id: string;
  viewerId?: string;
  seenMemberId?: string;
  seenThreads?: string[];
  seenSeqs?: string[];
}

const postVersionQuery = builtOnce(
  (db: Db, v: PostVersionValues, member: boolean, held: boolean, muted: boolean, ignoring: boolean, seen: 'member' | 'cookie' | null) => {
    const actor = member ? actorSql(v.viewerId!, sql`posts.board_id`) : null;
    const source: PositionSource | null =
      seen === 'member' ? { memberId: v.seenMemberId! } : seen === 'cookie' ? { threads: v.seenThreads!, seqs: v.seenSeqs! } : null;
    // The reader's position, joined as `seen`: at most one row per thread (thread_reads' key; a cookie names a thread once).
    const position = source && positionOf(source, sql`posts.thread_id`, NEW_COUNT_CAP);
    return db
      .selectFrom('posts')
      .innerJoin('threads', 'threads.thread_id', 'posts.thread_id')
      .innerJoin('boards', 'boards.id', 'posts.board_id')
      .$if(actor !== null, (qb) => qb.leftJoin(actor!.ban.as('ban'), (join) => join.onTrue()))
      .$if(position !== null, (qb) =>
        qb.leftJoin(position!.relation.as('seen'), (join) => join.onRef(sql.ref('seen.thread_id'), '=', 'posts.thread_id')),
      )
      .select([
        'posts.thread_id',
        'posts.board_id',
        'posts.author_id',
        'posts.created_at',
        'posts.deleted_at',
        'threads.seq',
        'threads.read_count',
        'threads.locked',
        'boards.slug as board_slug',
        'boards.name as board_name',
        'boards.archived_at as board_archived_at',
      ])
      .$if(actor !== null, (qb) =>
        qb.select([
          sql<boolean>`${actor!.moderates}`.as('moderates'),
          sql<string | null>`ban.ban_id`.as('ban_id'),
          sql<string | null>`ban.ban_board_id`.as('ban_board_id'),
          sql<string | null>`ban.ban_reason`.as('ban_reason'),
          sql<Date | null>`ban.ban_expires_at`.as('ban_expires_at'),
        ]),
      )
      .$if(held, (qb) => qb.select(ownHeldInThread(v.viewerId!, sql.ref('posts.thread_id')).as('held')))
      .$if(muted, (qb) =>
        qb.select(
          sql<boolean>`exists (select 1 from thread_mutes m where m.member_id = ${v.viewerId!} and m.thread_id = posts.thread_id)`.as(
            'muted',
          ),
        ),
      )
      .$if(ignoring, (qb) => qb.select(ignoredJson(v.viewerId!).as('ignored')))
      .$if(position !== null, (qb) =>
        qb.select([position!.seenPostId.as('seen_post_id'), position!.newCount.as('new_count'), position!.lastPostId.as('last_post_id')]),
      )
      .where('posts.id', '=', v.id);
  },
);
