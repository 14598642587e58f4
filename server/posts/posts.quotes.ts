import { sql } from 'kysely';
import type { Db } from '../db/database';
import { quotedPostIds } from '../text/quotes';

/**
 * The members a post quotes (text/quotes.ts finds the quotes' links back; here the database says
 * whose posts they are). Asked before the post's transaction, in one query and only when the body
 * holds a quote, as mentions are, so the reply's own statements stay as they were.
 */

/** At most this many quoted posts are looked at in one post; the rest are quotes all the same, unnotified. */
export const QUOTE_NOTIFY_MAX = 10;

/** A member whose post is quoted. */
export interface QuotedMember {
  id: string;
}

/**
 * The authors of the posts a sanitized body quotes, once each: not of deleted posts, and not
 * members who muted the thread the new post goes into (`threadOf`: a post of that thread, the
 * parent of a reply; none for a new thread). Self-quotes and members who ignore the author are
 * dropped where every notice is (events/notices.ts).
 */
export async function findQuoted(db: Db, body: string, threadOf?: string): Promise<QuotedMember[]> {
  const ids = quotedPostIds(body, QUOTE_NOTIFY_MAX);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('posts as p')
    .select('p.author_id')
    .where('p.id', 'in', ids)
    .where('p.deleted_at', 'is', null)
    .$if(threadOf !== undefined, (q) =>
      // Muting a thread stops what it says of the thread's follow-ups (thread_mutes).
      q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('thread_mutes as m')
              .select(sql.lit(1).as('one'))
              .whereRef('m.member_id', '=', 'p.author_id')
              .where('m.thread_id', '=', (eb) =>
                eb.selectFrom('posts as parent').select('parent.thread_id').where('parent.id', '=', threadOf!),
              ),
          ),
        ),
      ),
    )
    .execute();
  return [...new Set(rows.map((r) => String(r.author_id)))].map((id) => ({ id }));
}
