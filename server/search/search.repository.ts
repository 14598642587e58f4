import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database';
import { type PostWithAuthorRow, withAuthor } from '../posts/posts.repository';
import { FOLDING_VERSION, type SearchDocument } from '../text/search-terms';
import type { SearchCandidates, SearchHits } from '../caches';
import { announceIndexChanged } from '../events/search-index';

/** Search's SQL: the hits of a query (post_search), the posts they are, and the reindex batches. */

/** Matches ranked at most: past this many, the total shows as "1,000+" and no page goes further. */
export const CANDIDATE_CAP = 1000;

/** Newest posts a phrase is first looked for in, walking post ids backwards (findHits). */
const FIRST_WALK = 2_000;
/** The most posts a later walk may read; a phrase rarer than that is looked for through the index. */
const MAX_WALK = 12_000;

/** What narrows a search; every filter optional but the query. */
export interface HitFilters {
  /** A tsquery literal from text/search-terms.ts parseQuery (every lexeme quoted there). */
  tsquery: string;
  /** The joins the matches hold (parseQuery's `joins`), when the query has phrases. */
  joins?: string;
  /** Whether a required term is a phrase (parseQuery's `phrases`). */
  phrases: boolean;
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

/** A candidate hit: a post, when it was written, and whether its title matched (the ranking's two factors). */
export type Candidate = { post_id: string; created_at: Date; in_title: boolean };

/** Databases whose index holds no row of an older FOLDING_VERSION (so every row has its joins). */
const currentIndexes = new WeakSet<Kysely<Database>>();

/**
 * One page of hits, best first, and how many matched (up to CANDIDATE_CAP + 1). The newest
 * CANDIDATE_CAP + 1 matches are the candidates (docs/search.md, "Ranking"; readCandidates); they
 * are ordered by whether the title matched (`titleQuery`: the query on weight A; twice the score)
 * times a recency factor (2 for a post written now, 1.5 a week old, towards 1), here: the
 * candidates carry ids, times and whether the title matched, checked where each was found.
 *
 * Given `kept` (the app's caches.searches), the candidates are kept per query and filters, and a
 * search asked again has only the posts changed since checked again (one statement for what was
 * written, edited or deleted meanwhile, none when nothing was): a common word costs what the forum
 * changed, not what the word matches. The mark is taken before reading, so a change announced
 * while a search reads is checked again by the next one.
 */
export async function findHits(
  db: Kysely<Database>,
  f: HitFilters & { titleQuery: string },
  limit: number,
  offset: number,
  kept?: SearchHits,
): Promise<{ ids: string[]; total: number }> {
  const key = JSON.stringify([
    f.tsquery,
    f.titleQuery,
    f.joins,
    f.boardId,
    f.authorId,
    f.threadId,
    f.from,
    f.to,
    f.timeZone,
    f.deletedOn,
    f.ignored,
  ]);
  const taken = kept?.mark();
  const found = kept?.find(key);
  let candidates: SearchCandidates | undefined;
  if (found && found.changed.length === 0) candidates = found.candidates;
  else if (found) {
    candidates = mergeChanged(found.candidates, found.changed, await readCandidates(db, f, found.changed));
    if (candidates && taken) kept!.keep(key, candidates, taken, found.readAt);
  }
  if (!candidates) {
    const rows = await readCandidates(db, f);
    candidates = packed(rows, rows.length > CANDIDATE_CAP);
    if (taken && candidates) kept!.keep(key, candidates, taken);
    // Ids beyond safe integers are ranked as read, never kept.
    if (!candidates) return rankRows(rows, limit, offset);
  }
  return rankPacked(candidates, limit, offset);
}

/** Ranking's recency: a week, in ms (the factor is 1.5 for a post a week old). */
const WEEK_MS = 604_800_000;

/** A candidate's score: twice for a title match, times 2 for a post written now, 1.5 a week old, towards 1. */
const score = (inTitle: boolean, createdAt: number, now: number) =>
  (inTitle ? 2 : 1) * (1 + 1 / (1 + Math.max(0, now - createdAt) / WEEK_MS));

/**
 * The positions of one page of `count` candidates, best first (ties: the newer post, `newer`
 * above 0 when the second is newer), from when each was written and whether its title matched
 * (read by position: no object per candidate).
 */
function rank(
  count: number,
  createdAt: (i: number) => number,
  inTitle: (i: number) => boolean,
  newer: (a: number, b: number) => number,
  limit: number,
  offset: number,
): number[] {
  const now = Date.now();
  const order = Array.from({ length: count }, (_, i) => i);
  const scores = order.map((i) => score(inTitle(i), createdAt(i), now));
  order.sort((a, b) => scores[b]! - scores[a]! || newer(a, b));
  return order.slice(offset, offset + limit);
}

/** One page of kept candidates, and how many there are. */
function rankPacked(c: SearchCandidates, limit: number, offset: number): { ids: string[]; total: number } {
  const page = rank(
    c.ids.length,
    (i) => c.createdAt[i]!,
    (i) => c.inTitle[i] === 1,
    (a, b) => c.ids[b]! - c.ids[a]!,
    limit,
    offset,
  );
  return { ids: page.map((i) => String(c.ids[i])), total: c.ids.length };
}

/** rankPacked for candidates that cannot be packed (an id past 2^53: never kept). */
function rankRows(rows: Candidate[], limit: number, offset: number): { ids: string[]; total: number } {
  const id = (i: number) => BigInt(rows[i]!.post_id);
  const page = rank(
    rows.length,
    (i) => rows[i]!.created_at.getTime(),
    (i) => rows[i]!.in_title,
    (a, b) => (id(b) > id(a) ? 1 : id(b) < id(a) ? -1 : 0),
    limit,
    offset,
  );
  return { ids: page.map((i) => rows[i]!.post_id), total: rows.length };
}

/** Candidates as kept (newest first), or undefined when an id is not a safe integer. */
function packed(rows: Candidate[], capped: boolean): SearchCandidates | undefined {
  const ids = new Float64Array(rows.length);
  const createdAt = new Float64Array(rows.length);
  const inTitle = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const id = Number(rows[i]!.post_id);
    if (!Number.isSafeInteger(id)) return undefined;
    ids[i] = id;
    createdAt[i] = rows[i]!.created_at.getTime();
    inTitle[i] = rows[i]!.in_title ? 1 : 0;
  }
  return { ids, createdAt, inTitle, capped };
}

/**
 * Kept candidates with the changed posts checked again: those that no longer match leave, those
 * that match (again, or for the first time) come in at their place, and the newest
 * CANDIDATE_CAP + 1 stay. Undefined when the kept ones had reached the cap and some left: the
 * matches just older than the last one kept are not known, so the search is read again whole.
 */
export function mergeChanged(c: SearchCandidates, changed: string[], matching: Candidate[]): SearchCandidates | undefined {
  const gone = new Set(changed.map(Number));
  // Past the cap, a match older than the last one kept is not known to be among the newest.
  const oldest = c.ids.length > 0 ? c.ids[c.ids.length - 1]! : 0;
  const incoming = packed(
    matching.filter((r) => !c.capped || Number(r.post_id) >= oldest).sort((a, b) => Number(b.post_id) - Number(a.post_id)),
    false,
  );
  if (!incoming) return undefined;
  const staying = [];
  for (let i = 0; i < c.ids.length; i++) if (!gone.has(c.ids[i]!)) staying.push(i);
  const total = staying.length + incoming.ids.length;
  if (c.capped && staying.length < c.ids.length && total <= CANDIDATE_CAP) return undefined;
  // The two newest first, merged as they are (typed arrays in, typed arrays out).
  const n = Math.min(total, CANDIDATE_CAP + 1);
  const out: SearchCandidates = {
    ids: new Float64Array(n),
    createdAt: new Float64Array(n),
    inTitle: new Uint8Array(n),
    capped: c.capped || total > CANDIDATE_CAP,
  };
  const take = (from: SearchCandidates, i: number, k: number) => {
    out.ids[k] = from.ids[i]!;
    out.createdAt[k] = from.createdAt[i]!;
    out.inTitle[k] = from.inTitle[i]!;
  };
  for (let k = 0, kept = 0, come = 0; k < n; k++) {
    if (come >= incoming.ids.length || (kept < staying.length && c.ids[staying[kept]!]! > incoming.ids[come]!))
      take(c, staying[kept++]!, k);
    else take(incoming, come++, k);
  }
  return out;
}

/**
 * The candidates of a search: the newest CANDIDATE_CAP + 1 matches, newest first; or, given
 * `only`, those of these posts that match (kept candidates checked again, by key).
 *
 * Words: a common word is best found walking post ids backwards until enough match, a rare one
 * through the GIN index, and PostgreSQL chooses well from its statistics.
 *
 * Phrases (`<->`: also every run of three characters or more): PostgreSQL estimates a phrase as
 * if its parts were independent, and its parts are not (a phrase's joins come with it), so it
 * cannot be left to choose: walking would read the whole table for a rare phrase of common words,
 * and the index would hand over every post of a common phrase, each document read to check the
 * positions. So a phrase is looked for in windows of post ids, newest first: the newest
 * FIRST_WALK posts walked (each document read); then, when the density found there says the
 * missing candidates are within MAX_WALK posts, walked on; otherwise through the GIN index of the
 * joins (post_search.joins, which only the posts very likely to match hold: a rare phrase's
 * joins are rare), in a window as wide as the density found so far says the missing candidates
 * need (at least twice the last one), until there are enough candidates or no posts are left.
 * The documents read are about the candidates found plus at most FIRST_WALK + MAX_WALK, at any
 * size of forum; a common join's posting list is only read for a phrase found in under about one
 * post in ten. A query whose phrases have no joins (two single characters), or an index with rows
 * from before the joins, takes the same windows through the documents' own index.
 */
async function readCandidates(db: Kysely<Database>, f: HitFilters & { titleQuery: string }, only?: string[]): Promise<Candidate[]> {
  const deleted =
    f.deletedOn === 'all'
      ? sql`true`
      : f.deletedOn.length > 0
        ? sql`(not ps.deleted or ps.board_id = any(${f.deletedOn}::bigint[]))`
        : sql`not ps.deleted`;
  const filters = sql`${deleted}
        ${f.boardId ? sql`and ps.board_id = ${f.boardId}` : sql``}
        ${
          // Site-wide, archived boards are left out (a search on the board itself, or in a thread, still finds them).
          f.boardId || f.threadId ? sql`` : sql`and ps.board_id not in (select id from boards where archived_at is not null)`
        }
        ${f.authorId ? sql`and ps.author_id = ${f.authorId}` : sql``}
        ${f.threadId ? sql`and ps.thread_id = ${f.threadId}` : sql``}
        ${f.from ? sql`and ps.created_at >= (${f.from}::date)::timestamp at time zone ${f.timeZone}` : sql``}
        ${f.to ? sql`and ps.created_at < (${f.to}::date + 1)::timestamp at time zone ${f.timeZone}` : sql``}
        ${f.ignored.length ? sql`and ps.author_id <> all(${f.ignored}::bigint[])` : sql``}`;
  // Raw: kysely has no words for tsquery matching. Each candidate carries whether its title
  // matched (`in_title`), checked where its document was read to find it: carrying the document to
  // the ranking instead (or joining back to it) cost twice the whole statement (8.4 → 4.5 ms for a
  // word in one post of seven on the soak's forum).
  const inTitle = (doc: RawBuilder<unknown>) => sql`${doc} @@ ${f.titleQuery}::tsquery as in_title`;
  if (only) {
    if (only.length === 0) return [];
    return (
      await sql<Candidate>`
      select ps.post_id, ps.created_at, ${inTitle(sql`ps.doc`)} from post_search ps
      where ps.post_id = any(${only}::bigint[]) and ps.doc @@ ${f.tsquery}::tsquery and ${filters}`.execute(db)
    ).rows;
  }
  if (!f.phrases) {
    return (
      await sql<Candidate>`
      select ps.post_id, ps.created_at, ${inTitle(sql`ps.doc`)} from post_search ps
      where ps.doc @@ ${f.tsquery}::tsquery and ${filters}
      order by ps.post_id desc
      limit ${CANDIDATE_CAP + 1}`.execute(db)
    ).rows;
  }
  const withJoins = f.joins !== undefined && (currentIndexes.has(db) || !(await hasStaleRows(db)));
  if (withJoins) currentIndexes.add(db);
  const top = Number((await sql<{ top: string | null }>`select max(post_id) as top from post_search`.execute(db)).rows[0]?.top ?? 0);
  return db
    .transaction()
    .setAccessMode('read only')
    .execute(async (tx) => {
      const out: Candidate[] = [];
      let walk = true;
      let window = FIRST_WALK;
      for (let hi = top; hi > 0 && out.length <= CANDIDATE_CAP;) {
        const lo = Math.max(0, hi - window);
        const need = CANDIDATE_CAP + 1 - out.length;
        // No builder form for planner settings (SET LOCAL, both in one statement): each window is
        // read the way chosen for it.
        await sql`select set_config('enable_bitmapscan', ${walk ? 'off' : 'on'}, true),
          set_config('enable_indexscan', ${walk ? 'on' : 'off'}, true)`.execute(tx);
        const { rows: hits }: { rows: Candidate[] } = walk
          ? // Walking: the window's posts newest first, each document checked, until enough.
            await sql<Candidate>`
              select ps.post_id, ps.created_at, ${inTitle(sql`ps.doc`)} from post_search ps
              where ps.post_id > ${lo} and ps.post_id <= ${hi} and ${filters} and ps.doc @@ ${f.tsquery}::tsquery
              order by ps.post_id desc
              limit ${need}`.execute(tx)
          : // Through the index: the window's posts holding the joins (or else the words), then the
            // phrase checked on their documents (OFFSET 0 keeps the check out of the index scan,
            // where it would be asked of the documents' index too).
            await sql<Candidate>`
              select c.post_id, c.created_at, ${inTitle(sql`c.doc`)} from (
                select ps.post_id, ps.created_at, ps.doc from post_search ps
                where ${withJoins ? sql`ps.joins @@ ${f.joins}::tsquery` : sql`ps.doc @@ ${f.tsquery}::tsquery`}
                  and ps.post_id > ${lo} and ps.post_id <= ${hi} and ${filters}
                offset 0
              ) c
              ${withJoins ? sql`where c.doc @@ ${f.tsquery}::tsquery` : sql``}
              order by c.post_id desc
              limit ${need}`.execute(tx);
        out.push(...hits);
        if (hits.length === need) break;
        // The next window: as many posts as the density seen so far says the missing candidates
        // take (a quarter more), walked when that is few enough, else through the index.
        const missing: number = need - hits.length;
        const density = out.length / (top - lo);
        const wanted: number = density > 0 ? Math.ceil((missing * 1.25) / density) : Infinity;
        walk = walk && wanted <= MAX_WALK;
        window = walk ? Math.max(wanted, 1_000) : Math.max(window * 2, Number.isFinite(wanted) ? wanted : window * 8);
        hi = lo;
      }
      return out;
    });
}

/** The posts of some hits, with their authors (any order: the caller keeps the hits' order). */
export function findHitPosts(db: Db, ids: string[]): Promise<PostWithAuthorRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return withAuthor(db.selectFrom('posts')).where('posts.id', 'in', ids).execute();
}

/** Threads' roots (titles only) and their boards, for the hits' "in thread … on board …". */
export function findHitThreads(db: Db, threadIds: string[]) {
  if (threadIds.length === 0) return Promise.resolve([]);
  return rootsWithBoards(db).where('posts.id', 'in', threadIds).execute();
}

/** The roots (as findHitThreads) of the threads of some hits, read beside the hits themselves. */
export function findHitRoots(db: Db, postIds: string[]) {
  if (postIds.length === 0) return Promise.resolve([]);
  return rootsWithBoards(db)
    .where('posts.id', 'in', (eb) => eb.selectFrom('posts as hit').select('hit.thread_id').where('hit.id', 'in', postIds))
    .execute();
}

const rootsWithBoards = (db: Db) =>
  withAuthor(db.selectFrom('posts'), false)
    .innerJoin('boards', 'boards.id', 'posts.board_id')
    .select(['boards.slug as board_slug', 'boards.name as board_name']);

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
export async function writeSearchDocs(db: Db, docs: { id: string; revision: number; doc: SearchDocument }[]): Promise<number> {
  if (docs.length === 0) return 0;
  // INSERT … SELECT … FOR SHARE with ON CONFLICT: beyond the builder.
  const result = await sql`
    insert into post_search (post_id, board_id, thread_id, author_id, created_at, deleted, revision, folding, doc, joins)
    select p.id, p.board_id, p.thread_id, p.author_id, p.created_at, p.deleted_at is not null, p.revision, ${FOLDING_VERSION},
      d.doc::tsvector, d.joins::tsvector
    from unnest(${docs.map((d) => d.id)}::bigint[], ${docs.map((d) => d.revision)}::int[], ${docs.map((d) => d.doc.doc)}::text[],
      ${docs.map((d) => d.doc.joins)}::text[]) as d(id, revision, doc, joins)
    join posts p on p.id = d.id and p.revision = d.revision
    order by p.id
    for share of p
    on conflict (post_id) do update set deleted = excluded.deleted, revision = excluded.revision,
      folding = excluded.folding, doc = excluded.doc, joins = excluded.joins
    where post_search.revision <= excluded.revision`.execute(db);
  // No thread event names these posts: searches kept anywhere are read again whole.
  await announceIndexChanged(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Whether any row was made by another FOLDING_VERSION (one probe of post_search_folding_idx). */
export async function hasStaleRows(db: Db): Promise<boolean> {
  const row = await db.selectFrom('post_search').select('post_id').where('folding', '<>', FOLDING_VERSION).limit(1).executeTakeFirst();
  return row !== undefined;
}
