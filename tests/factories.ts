import type { Kysely } from 'kysely';
import { addModerator, createBoard } from '../server/boards/boards.service';
import type { Database, SiteRole } from '../server/db/database';
import { type Member, createMember as createMemberService } from '../server/members/members.service';
import type { HttpClient } from './helpers/app';

let counter = 0;
const unique = () => `${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}`;

export const PASSWORD = 'correct horse battery';

// Digits only after the prefix: letters would make names that look alike (1 and l, 0 and o,
// rn and m), which registration refuses.
const uniqueName = () => `m_${Date.now() % 1_000_000}_${counter++}`;

/** A member with a unique name (and the password PASSWORD unless given). */
export async function createMember(
  db: Kysely<Database>,
  overrides: { name?: string; password?: string; role?: SiteRole } = {},
): Promise<Member & { password: string }> {
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
