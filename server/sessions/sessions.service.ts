import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import type { UnreadCounts } from '../db/unread';
import { AppError } from '../errors';
import * as repo from './sessions.repository';

/** One of a member's sessions, as they see it in their list. */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  address: string;
  userAgent: string;
  /** True for the session the request came with. */
  current: boolean;
}

export const SESSION_DAYS = 30;
/** A session's "last seen" is written at most this often. */
const LAST_SEEN_EVERY_SECONDS = 5 * 60;

/** The stored form of a session or device token: its SHA-256, never the token itself. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest();
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** True when `token` has the shape of a token newToken makes (anything else is not looked up). */
export const isToken = (token: string) => TOKEN.test(token);
/** A new random token (32 bytes, base64url). */
export const newToken = () => randomBytes(32).toString('base64url');

/**
 * The member a session token belongs to; 'expired' for a known but expired session. Using a
 * session marks it seen (at most every few minutes) and the member seen today (at most once a day,
 * the day as it is in `timeZone`: their home page shows it). With `unread`, the member's unread
 * counts come along (a page's header), read by the same query.
 */
export async function memberForToken(
  db: Kysely<Database>,
  token: string,
  options?: { timeZone?: string },
): Promise<Member | 'expired' | null>;
export async function memberForToken(
  db: Kysely<Database>,
  token: string,
  options: { timeZone?: string; unread: true },
): Promise<(Member & { unread: UnreadCounts }) | 'expired' | null>;
export async function memberForToken(
  db: Kysely<Database>,
  token: string,
  options: { timeZone?: string; unread?: boolean } = {},
): Promise<(Member & { unread?: UnreadCounts }) | 'expired' | null> {
  if (!TOKEN.test(token)) return null;
  const tokenHash = hashToken(token);
  const timeZone = options.timeZone ?? 'UTC';
  const row = await repo.findSession(db, tokenHash, LAST_SEEN_EVERY_SECONDS, timeZone, options.unread);
  if (!row) return null;
  if (!row.valid) return 'expired';
  if (!row.seen_lately) await repo.touchSession(db, tokenHash);
  if (!row.seen_today) await repo.markSeenToday(db, row.id, timeZone);
  const member = { id: row.id, name: row.name, role: row.role, joinedAt: row.created_at, trust: row.trust, timeZone: row.time_zone };
  if (!options.unread) return member;
  return { ...member, unread: (row as typeof row & { unread: UnreadCounts }).unread };
}

/**
 * Which of the given session tokens (by hash) still belong to the member and have not expired:
 * a socket opened in a session that has since ended hears nothing more for the member.
 */
export async function liveSessions(db: Kysely<Database>, memberId: string, tokenHashes: readonly Buffer[]): Promise<Buffer[]> {
  if (tokenHashes.length === 0) return [];
  return (await repo.findLiveSessions(db, memberId, tokenHashes)).map((r) => r.token_hash);
}

/** Ends a session: the token stops working at once. */
export async function logOut(db: Kysely<Database>, token: string): Promise<void> {
  await repo.deleteSession(db, hashToken(token));
}

/** Ends every session of the member, the current one included ("sign out everywhere"). */
export async function logOutEverywhere(db: Kysely<Database>, member: Member): Promise<void> {
  await repo.deleteMemberSessions(db, member.id);
}

/** The member's unexpired sessions, marking the one `currentToken` belongs to. */
export async function listSessions(db: Kysely<Database>, member: Member, currentToken: string | undefined): Promise<SessionSummary[]> {
  const current = currentToken && TOKEN.test(currentToken) ? hashToken(currentToken) : undefined;
  const rows = await repo.listSessions(db, member.id);
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    address: r.address,
    userAgent: r.user_agent,
    current: current !== undefined && r.token_hash.equals(current),
  }));
}

/** Ends one of the member's own sessions; anyone else's, or none, is a 404. */
export async function revokeSession(db: Kysely<Database>, member: Member, sessionId: string): Promise<void> {
  const deleted = isId(sessionId) ? await repo.deleteMemberSession(db, member.id, sessionId) : 0;
  if (deleted === 0) throw new AppError(404, 'SessionNotFound', 'You have no session with this id.');
}
