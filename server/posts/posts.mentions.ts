import type { Db } from '../db/database';
import { nameKey } from '../members/names';
import { type Mentioned, linkMentions, mentionRunsOf, namePrefixes, unlinkMentions } from '../text/mentions';

/**
 * The members a post mentions, and its body with those mentions linked (text/mentions.ts finds
 * the places; here the database says which names exist). One query for a whole post, whatever the
 * number of `@`: every prefix of every place, by name_key (names are unique regardless of case
 * and width), and each place takes its longest existing name.
 */

/** At most this many distinct members are notified of their mention in one post; the rest are still linked. */
export const MENTION_NOTIFY_MAX = 10;

/** A member mentioned in a post. */
export interface MentionedMember {
  id: string;
  name: string;
}

/** What scanning a post for mentions gives. */
export interface Mentions {
  /** The body with each mention linked to its member's page (stored as such). */
  body: string;
  /** Every member mentioned, once each, in the order of their first mention (title first). */
  members: MentionedMember[];
}

/**
 * Scans a post's title and (sanitized) body for mentions: any mention links it already had are
 * dropped and found again, so an edit that removes a name unlinks it and a member who joined
 * since is linked. Deleted accounts are not mentioned.
 */
export async function findMentions(db: Db, title: string, sanitizedBody: string): Promise<Mentions> {
  const plain = unlinkMentions(sanitizedBody);
  const runs = mentionRunsOf(title, plain);
  if (runs.length === 0) return { body: plain, members: [] };
  const keys = new Set(runs.flatMap((run) => namePrefixes(run).map(nameKey)));
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'name_key'])
    .where('name_key', 'in', [...keys])
    .where('deleted_at', 'is', null)
    .execute();
  const byKey = new Map(rows.map((r) => [r.name_key, r]));
  const members = new Map<string, MentionedMember>();
  const resolve = (run: string): (Mentioned & { id: string }) | undefined => {
    for (const prefix of namePrefixes(run)) {
      const row = byKey.get(nameKey(prefix));
      if (row) return { id: row.id, name: row.name, length: [...prefix].length };
    }
    return undefined;
  };
  for (const run of runs) {
    const found = resolve(run);
    if (found && !members.has(found.id)) members.set(found.id, { id: found.id, name: found.name });
  }
  const body = rows.length ? linkMentions(plain, resolve) : plain;
  return { body, members: [...members.values()] };
}

/**
 * The mentioned members who are notified (the first MENTION_NOTIFY_MAX other than the author) and
 * those who are not (linked all the same).
 */
export function mentionsToNotify(
  members: MentionedMember[],
  authorId: string,
): { notified: MentionedMember[]; unnotified: MentionedMember[] } {
  const others = members.filter((m) => m.id !== authorId);
  return { notified: others.slice(0, MENTION_NOTIFY_MAX), unnotified: others.slice(MENTION_NOTIFY_MAX) };
}
