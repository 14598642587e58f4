import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/database';

/** A member's notifications as stored, oldest first: kind, actor, thread, post and data. */
export async function noticesOf(db: Kysely<Database>, memberId: string) {
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'actor_id', 'thread_id', 'post_id', 'data', 'read_at'])
    .where('member_id', '=', memberId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, id: String(r.id), actor_id: r.actor_id && String(r.actor_id), post_id: r.post_id && String(r.post_id) }));
}

/** The kinds of a member's notifications about one post. */
export async function kindsFor(db: Kysely<Database>, memberId: string, postId: string): Promise<string[]> {
  return (await noticesOf(db, memberId)).filter((n) => n.post_id === postId).map((n) => n.kind);
}
