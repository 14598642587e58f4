import { sql } from 'kysely';
import type { Db } from '../db/database';
import { attributeQuotes, quotedPostIds } from '../text/quotes';

/**
 * The quotes of a post or 悄悄話 (text/quotes.ts finds the quotes' links back; here the database
 * says whose posts they are, for the attribution shown and the members notified). Asked before
 * the post's transaction, in one query and only when the body holds a quote, as mentions are, so
 * the reply's own statements stay as they were.
 */

/** At most this many quoted posts are looked at in one post; the rest are quotes all the same, unnotified. */
export const QUOTE_NOTIFY_MAX = 10;

/** A member whose post is quoted. */
export interface QuotedMember {
  id: string;
}

/** At most this many quotes of one body get their attribution (a post id each, in one query); any past them are left as plain text. */
export const QUOTE_ATTRIBUTE_MAX = 200;

/** What resolving a body's quotes gives. */
export interface ResolvedQuotes {
  /** The body with each attribution naming the quoted post's real author (text/quotes.ts attributeQuotes). */
  body: string;
  /** The authors to notify: of the first QUOTE_NOTIFY_MAX posts quoted, those not deleted, once each. */
  quoted: QuotedMember[];
}

/**
 * A sanitized body's quotes, resolved in one query (none when the body has no quote): each
 * attribution's name is written from the quoted post's author, so a quote cannot put words under
 * someone else's name by naming them (text/quotes.ts); and the authors to notify, not of deleted
 * posts, and not members who muted the thread the new post goes into (`threadOf`: a post of that
 * thread, the parent of a reply; none for a new thread or a 悄悄話). Self-quotes and members who
 * ignore the author are dropped where every notice is (events/notices.ts).
 */
export async function resolveQuotes(db: Db, body: string, threadOf?: string): Promise<ResolvedQuotes> {
  const ids = quotedPostIds(body, QUOTE_ATTRIBUTE_MAX);
  if (ids.length === 0) return { body: attributeQuotes(body, new Map()), quoted: [] };
  const rows = await db
    .selectFrom('posts as p')
    .innerJoin('users as u', 'u.id', 'p.author_id')
    .select(['p.id', 'p.author_id', 'u.name', 'p.deleted_at'])
    .select(({ exists, selectFrom, lit }) =>
      // Muting a thread stops what it says of the thread's follow-ups (thread_mutes).
      (threadOf === undefined
        ? lit(false)
        : exists(
            selectFrom('thread_mutes as m')
              .select(sql.lit(1).as('one'))
              .whereRef('m.member_id', '=', 'p.author_id')
              .where('m.thread_id', '=', (eb) =>
                eb.selectFrom('posts as parent').select('parent.thread_id').where('parent.id', '=', threadOf),
              ),
          )
      ).as('muted'),
    )
    .where('p.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const authors = new Map(rows.map((r) => [String(r.id), r.name]));
  const notify = new Set<string>();
  for (const id of ids.slice(0, QUOTE_NOTIFY_MAX)) {
    const row = byId.get(id);
    if (row && !row.deleted_at && !row.muted) notify.add(String(row.author_id));
  }
  return { body: attributeQuotes(body, authors), quoted: [...notify].map((id) => ({ id })) };
}
