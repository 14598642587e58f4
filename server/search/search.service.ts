import type { Kysely } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { AppError, notFound } from '../errors';
import { ignoringOf } from '../members/ignores.repository';
import { findMemberByName } from '../members/members.repository';
import { nameKey } from '../members/names';
import { type Post, toPost } from '../posts/posts.model';
import { QUERY_MAX_CHARS, QUERY_MAX_TERMS, parseQuery, searchDocument } from '../text/search-terms';
import type { SearchHits } from '../caches';
import * as repo from './search.repository';

/**
 * Search (docs/search.md): a reader's query, parsed and folded (text/search-terms.ts), run
 * against post_search with the filters they chose. Deleted posts are left out unless a moderator
 * asks for them (deleted=1), and then only on the boards they moderate (admins: every board);
 * posts by members the reader ignores are left out. Private messages are not posts: never here.
 */

/** Hits per page. */
export const HITS_PER_PAGE = 20;

/** What a reader asks (validated by the routes). */
export interface SearchInput {
  q: string;
  /** Titles only. */
  titleOnly?: boolean;
  /** A board's slug, a member's name, a thread's id. */
  board?: string;
  author?: string;
  thread?: string;
  /** Days, YYYY-MM-DD, inclusive, in the site's display time zone. */
  from?: string;
  to?: string;
  /** Include deleted posts (moderators, on their boards). */
  deleted?: boolean;
  page: number;
}

/** One hit: the post (as written), its thread's root and board. */
export interface SearchHit {
  post: Post;
  root: Post;
  board: { slug: string; name: string };
}

export interface SearchResults {
  hits: SearchHit[];
  page: number;
  /** Matches, up to CANDIDATE_CAP. */
  total: number;
  /** More matched than CANDIDATE_CAP ("1,000+"). */
  capped: boolean;
  /** Pages there are (no further than the cap). */
  pages: number;
  /** The query's folded words, to mark in snippets (text/search-snippet.ts). */
  marks: string[];
}

/** The refusal of a query that cannot be run, in the reader's script (errors.ts SearchProblem). */
function queryRefused(problem: Exclude<ReturnType<typeof parseQuery>, { ok: true }>['problem']): AppError {
  const max = problem === 'tooManyTerms' ? QUERY_MAX_TERMS : QUERY_MAX_CHARS;
  const messages = {
    empty: 'Type something to search for.',
    tooLong: `A search holds at most ${QUERY_MAX_CHARS} characters.`,
    tooManyTerms: `A search holds at most ${QUERY_MAX_TERMS} words or phrases.`,
    noWords: 'There is nothing to search for in that: no letters, digits or Chinese characters.',
    onlyExclusions: 'Give at least one word to find, not only words to leave out (-word).',
    operators: 'Search takes words, "quoted phrases" and -exclusions; & | ! : * ( ) < > are not operators here.',
  } as const;
  return new AppError(400, 'SearchQueryInvalid', messages[problem], { params: { problem, max } });
}

/** Runs a search for `member` (null: a reader who is not logged in). */
export async function search(
  db: Kysely<Database>,
  member: Member | null,
  input: SearchInput,
  timeZone: string,
  kept?: SearchHits,
): Promise<SearchResults> {
  const parsed = parseQuery(input.q, input.titleOnly);
  if (!parsed.ok) throw queryRefused(parsed.problem);
  // The same query on titles alone: a hit whose title matches ranks higher.
  const inTitles = input.titleOnly ? parsed : parseQuery(input.q, true);
  const titleQuery = inTitles.ok ? inTitles.query.tsquery : parsed.query.tsquery;
  const [board, author, ignoring, deletedOn] = await Promise.all([
    input.board ? getBoard(db, input.board) : undefined,
    input.author ? findAuthor(db, input.author) : undefined,
    ignoringOf(db, member),
    !input.deleted || !member ? ([] as string[]) : member.role === 'admin' ? ('all' as const) : repo.findModeratedBoards(db, member.id),
  ]);
  if (input.thread !== undefined && !isId(input.thread))
    throw notFound('PostNotFound', `There is no thread ${input.thread}.`, { params: { id: input.thread } });
  const offset = (input.page - 1) * HITS_PER_PAGE;
  const { ids, total } =
    offset >= repo.CANDIDATE_CAP
      ? { ids: [], total: 0 }
      : await repo.findHits(
          db,
          {
            tsquery: parsed.query.tsquery,
            joins: parsed.query.joins,
            phrases: parsed.query.phrases,
            titleQuery,
            boardId: board?.id,
            authorId: author,
            threadId: input.thread,
            from: input.from,
            to: input.to,
            timeZone,
            deletedOn,
            ignored: ignoring ? [...ignoring.ids] : [],
          },
          HITS_PER_PAGE,
          offset,
          kept,
        );
  // Together: each statement waits for a turn of the event loop, and the two do not depend on each other.
  const [rows, threads] = await Promise.all([repo.findHitPosts(db, ids), repo.findHitRoots(db, ids)]);
  const postById = new Map(rows.map((r) => [r.id, toPost(r)]));
  const threadById = new Map(threads.map((t) => [t.id, t]));
  const hits: SearchHit[] = [];
  for (const id of ids) {
    const post = postById.get(id);
    const thread = post && threadById.get(post.threadId);
    if (!post || !thread) continue; // deleted for good between the two reads
    // Deleted since the candidates were read, where this reader does not see deleted posts.
    if (post.deleted && deletedOn !== 'all' && !deletedOn.includes(post.boardId)) continue;
    hits.push({ post, root: toPost(thread), board: { slug: thread.board_slug, name: thread.board_name } });
  }
  const shown = Math.min(total, repo.CANDIDATE_CAP);
  return {
    hits,
    page: input.page,
    total: shown,
    capped: total > repo.CANDIDATE_CAP,
    pages: Math.max(1, Math.ceil(shown / HITS_PER_PAGE)),
    marks: parsed.query.marks,
  };
}

/** What a search is narrowed to, for its page to say so: the board, the thread's root (undefined when not there). */
export interface SearchScope {
  /** The board (its id: its glossary applies to its name). */
  board?: { id: string; slug: string; name: string };
  /** The thread's root; absent for a thread that is not there or is deleted. */
  thread?: Post;
}

/** The board and thread a search names, as far as they exist (the search itself refuses the others). */
export async function searchScope(db: Kysely<Database>, input: Pick<SearchInput, 'board' | 'thread'>): Promise<SearchScope> {
  const [board, threads] = await Promise.all([
    input.board ? getBoard(db, input.board).catch(() => undefined) : undefined,
    input.thread && isId(input.thread) ? repo.findHitThreads(db, [input.thread]) : [],
  ]);
  const root = threads.find((t) => t.parent_id === null);
  return {
    ...(board ? { board: { id: board.id, slug: board.slug, name: board.name } } : {}),
    ...(root && !root.deleted_at ? { thread: toPost(root) } : {}),
  };
}

/** The id of the member named (any case), or a 404. */
async function findAuthor(db: Kysely<Database>, name: string): Promise<string> {
  const row = await findMemberByName(db, nameKey(name));
  if (!row) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  return row.id;
}

/**
 * Rebuilds the search index (`search:reindex`): every post in batches by id, or with `staleOnly`
 * only those without a row or made by an older FOLDING_VERSION. The lexemes of a batch are made
 * outside any transaction and written in one short statement (repository writeSearchDocs), so
 * the forum goes on serving. Posts written meanwhile are indexed by their own transaction.
 */
export async function reindex(
  db: Kysely<Database>,
  options: { staleOnly?: boolean; batch?: number },
  onProgress: (done: number, total: number) => void,
): Promise<{ indexed: number; total: number }> {
  const [total, last] = await Promise.all([repo.countPosts(db), repo.lastPostId(db)]);
  const batch = options.batch ?? 500;
  let done = 0;
  let indexed = 0;
  onProgress(0, total);
  for (let after = '0'; BigInt(after) < BigInt(last);) {
    const rows = await repo.findPostsToIndex(db, after, batch, options.staleOnly ?? false);
    if (rows.length === 0) break;
    const docs = rows.map((r) => ({ id: r.id, revision: r.revision, doc: searchDocument(r.title, r.body, r.variant) }));
    indexed += await repo.writeSearchDocs(db, docs);
    after = rows[rows.length - 1]!.id;
    done = options.staleOnly ? done + rows.length : Math.min(total, done + rows.length);
    onProgress(Math.min(done, total), total);
  }
  onProgress(total, total);
  return { indexed, total };
}

/**
 * Whether the index holds rows made by other folding rules than this version's (after an upgrade
 * that changed them): start-up says so, and `search:reindex --only stale` rebuilds them.
 */
export function indexIsStale(db: Kysely<Database>): Promise<boolean> {
  return repo.hasStaleRows(db);
}
