import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database';
import { type PostWithAuthorRow, withAuthor } from '../posts/posts.repository';
import { FOLDING_VERSION } from '../text/search-terms';

/** Search's SQL: the hits of a query (post_search), the posts they are, and the reindex batches. */

/** Matches ranked at most: past this many, the total shows as "1,000+" and no page goes further. */
export const CANDIDATE_CAP = 1000;

/** Newest posts a phrase is first looked for in (findHits). */
const PHRASE_PROBE = 20_000;

/** What narrows a search; every filter optional but the query. */
export interface HitFilters {
  /** A tsquery literal from text/search-terms.ts parseQuery (every lexeme quoted there). */
  tsquery: string;
  boardId?: string;
  authorId?: string;
  threadId?: string;
  /** Days (YYYY-MM-DD), inclusive, in `timeZone`. */
  from?: string;
  to?: string;
  timeZone: string;
  /** Boards whose deleted posts are included ('all': every board; empty: none). */
  deletedOn: string[] | 'all';
  /** Authors left out (the reader's ignore list). */
  ignored: string[];
}

/**
 * One page of hits, best first, and how many matched (up to CANDIDATE_CAP + 1). The newest
 * CANDIDATE_CAP + 1 matches are the candidates (docs/search.md, "Ranking"); they are ordered by
 * whether the title matched (`titleQuery`: the query on weight A; twice the score) times a
 * recency factor (2 for a post written now, 1.5 a week old, towards 1). Ranking reads each
 * candidate's document once more, by key: the candidates themselves carry only ids and times.
 *
 * A common word is best found walking post ids backwards until enough match; a rare one through
 * the GIN index. PostgreSQL chooses well from its statistics for words, but it estimates a
 * phrase (`<->`: every Chinese word of three characters or more) as if its parts could be
 * anywhere, and a walk for a phrase rarer than that would read the whole table. So a phrase is
 * first looked for among the newest PHRASE_PROBE posts only (a bounded walk): when that finds a
 * full set of candidates they are the answer; otherwise the GIN index answers, the walk turned
 * off (SET LOCAL, in the query's own transaction).
 */
export async function findHits(
  db: Kysely<Database>,
  f: HitFilters & { titleQuery: string },
  limit: number,
  offset: number,
): Promise<{ ids: string[]; total: number }> {
  const deleted =
    f.deletedOn === 'all'
      ? sql`true`
      : f.deletedOn.length > 0
        ? sql`(not ps.deleted or ps.board_id = any(${f.deletedOn}::bigint[]))`
        : sql`not ps.deleted`;
  // Raw: kysely has no words for tsquery matching.
  const query = (source: RawBuilder<unknown>) => sql<{ post_id: string; total: string }>`
    with candidates as (
      select ps.post_id, ps.created_at from ${source} ps
      where ps.doc @@ ${f.tsquery}::tsquery and ${deleted}
        ${f.boardId ? sql`and ps.board_id = ${f.boardId}` : sql``}
        ${
          // Site-wide, archived boards are left out (a search on the board itself, or in a thread, still finds them).
          f.boardId || f.threadId ? sql`` : sql`and ps.board_id not in (select id from boards where archived_at is not null)`
        }
        ${f.authorId ? sql`and ps.author_id = ${f.authorId}` : sql``}
        ${f.threadId ? sql`and ps.thread_id = ${f.threadId}` : sql``}
        ${f.from ? sql`and ps.created_at >= (${f.from}::date)::timestamp at time zone ${f.timeZone}` : sql``}
        ${f.to ? sql`and ps.created_at < (${f.to}::date + 1)::timestamp at time zone ${f.timeZone}` : sql``}
        ${f.ignored.length ? sql`and ps.author_id <> all(${f.ignored}::bigint[])` : sql``}
      order by ps.post_id desc
      limit ${CANDIDATE_CAP + 1}
    )
    select c.post_id, count(*) over () as total
    from candidates c join post_search d on d.post_id = c.post_id
    order by (case when d.doc @@ ${f.titleQuery}::tsquery then 2 else 1 end)
      * (1 + 1 / (1 + date_part('epoch', now() - c.created_at) / 604800)) desc, c.post_id desc
    limit ${limit} offset ${offset}`;
  const all = sql`post_search`;
  let rows: { post_id: string; total: string }[];
  if (!f.tsquery.includes('<')) rows = (await query(all).execute(db)).rows;
  else {
    const recent = sql`(select * from post_search order by post_id desc limit ${PHRASE_PROBE})`;
    rows = (await query(recent).execute(db)).rows;
    if (Number(rows[0]?.total ?? 0) <= CANDIDATE_CAP)
      rows = await db.transaction().execute(async (tx) => {
        // No builder form for planner settings.
        await sql`set local enable_indexscan = off`.execute(tx);
        return (await query(all).execute(tx)).rows;
      });
  }
  return { ids: rows.map((r) => r.post_id), total: rows.length ? Number(rows[0]!.total) : 0 };
}

/** The posts of some hits, with their authors (any order: the caller keeps the hits' order). */
export function findHitPosts(db: Db, ids: string[]): Promise<PostWithAuthorRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return withAuthor(db.selectFrom('posts')).where('posts.id', 'in', ids).execute();
}

/** Threads' roots (titles only) and their boards, for the hits' "in thread … on board …". */
export function findHitThreads(db: Db, threadIds: string[]) {
  if (threadIds.length === 0) return Promise.resolve([]);
  return withAuthor(db.selectFrom('posts'), false)
    .innerJoin('boards', 'boards.id', 'posts.board_id')
    .select(['boards.slug as board_slug', 'boards.name as board_name'])
    .where('posts.id', 'in', threadIds)
    .execute();
}

/** The boards a member moderates. */
export async function findModeratedBoards(db: Db, memberId: string): Promise<string[]> {
  const rows = await db.selectFrom('board_moderators').select('board_id').where('user_id', '=', memberId).execute();
  return rows.map((r) => r.board_id);
}

/** A batch of posts to index, after `after` (by id): what a search document is made from. */
export function findPostsToIndex(db: Db, after: string, limit: number, staleOnly: boolean) {
  return db
    .selectFrom('posts')
    .leftJoin('post_search', 'post_search.post_id', 'posts.id')
    .select(['posts.id', 'posts.title', 'posts.body', 'posts.variant', 'posts.revision'])
    .where('posts.id', '>', after)
    .$if(staleOnly, (qb) =>
      qb.where((eb) => eb.or([eb('post_search.post_id', 'is', null), eb('post_search.folding', '<>', FOLDING_VERSION)])),
    )
    .orderBy('posts.id')
    .limit(limit)
    .execute();
}

/** The last post id (0 when there is none): where a reindex stops. */
export async function lastPostId(db: Db): Promise<string> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return row?.id ?? '0';
}

/** How many posts there are (for the reindex's progress). */
export async function countPosts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Writes a batch of search documents made outside any transaction, safely beside a serving forum:
 * each post is locked FOR SHARE while its row is written (an edit or delete of it waits, or has
 * committed and is seen), a post whose revision moved on since it was read is skipped (its edit
 * wrote its own document), and a row is never replaced by one from an older revision.
 */
export async function writeSearchDocs(db: Db, docs: { id: string; revision: number; doc: string }[]): Promise<number> {
  if (docs.length === 0) return 0;
  // INSERT … SELECT … FOR SHARE with ON CONFLICT: beyond the builder.
  const result = await sql`
    insert into post_search (post_id, board_id, thread_id, author_id, created_at, deleted, revision, folding, doc)
    select p.id, p.board_id, p.thread_id, p.author_id, p.created_at, p.deleted_at is not null, p.revision, ${FOLDING_VERSION},
      d.doc::tsvector
    from unnest(${docs.map((d) => d.id)}::bigint[], ${docs.map((d) => d.revision)}::int[], ${docs.map((d) => d.doc)}::text[])
      as d(id, revision, doc)
    join posts p on p.id = d.id and p.revision = d.revision
    order by p.id
    for share of p
    on conflict (post_id) do update set deleted = excluded.deleted, revision = excluded.revision,
      folding = excluded.folding, doc = excluded.doc
    where post_search.revision <= excluded.revision`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Whether any row was made by another FOLDING_VERSION (one probe of post_search_folding_idx). */
export async function hasStaleRows(db: Db): Promise<boolean> {
  const row = await db.selectFrom('post_search').select('post_id').where('folding', '<>', FOLDING_VERSION).limit(1).executeTakeFirst();
  return row !== undefined;
}
