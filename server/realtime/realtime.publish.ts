import { sql } from 'kysely';
import type { Db } from '../db/database';
import { isId } from '../db/ids';

/** The PostgreSQL channel that carries "thread T has event S" to every app process. */
export const EVENTS_CHANNEL = 'gentie_thread_events';
/** The channel on which processes tell each other how many readers they hold per thread. */
export const READERS_CHANNEL = 'gentie_thread_readers';

/**
 * Announces a thread event from inside the transaction that wrote it. PostgreSQL delivers a NOTIFY
 * only when (and if) the transaction commits, to every listening process, even if the writing
 * process dies right after committing: live delivery is tied to the commit. Services call this
 * right after writing the thread_events row.
 */
export async function announceInTransaction(tx: Db, e: { threadId: string; boardId: string; seq: string | number }): Promise<void> {
  const payload = JSON.stringify({ t: String(e.threadId), b: String(e.boardId), s: Number(e.seq) });
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${payload})`.execute(tx);
}

/** What a notification on EVENTS_CHANNEL carries. */
export interface Announcement {
  threadId: string;
  boardId: string;
  seq: number;
}

export function parseAnnouncement(payload: string): Announcement | undefined {
  try {
    const p = JSON.parse(payload) as { t?: unknown; b?: unknown; s?: unknown };
    if (typeof p.t === 'string' && isId(p.t) && typeof p.b === 'string' && isId(p.b) && Number.isSafeInteger(p.s)) return { threadId: p.t, boardId: p.b, seq: p.s as number };
  } catch {
    // not ours
  }
  return undefined;
}
