import { LineSpans, type LinesCache, type RenderedLines } from '../caches';
import type { Post } from './posts.model';
import { type LineContext, renderTree } from './posts.lines';

/**
 * The follow-up trees of a board page (its threads' first INDEX_TREE_LINES lines), rendered once
 * per version of their thread and kept in caches.lines beside the thread pages' windows: a board
 * page reads and renders only the trees of threads that changed since (a reply, an edit, a
 * deletion or restoration, a member's posts shown under 已註銷用戶: each raises the thread's seq,
 * every process sees it in the thread's row), whatever their size. What is the reader's own stays
 * out: a reader who ignores members gets trees rendered for them, never kept.
 *
 * One entry per thread and flavour (variant, whether deleted posts are shown, link prefix, time
 * zone, conversion rules, lines per tree), holding the seq it shows: a later version replaces it.
 */

/** What a board page's tree is rendered for: who reads it, and how many lines a tree shows. */
export interface TreeReader {
  variant: string | undefined;
  seesDeleted: boolean;
  prefix: string;
  timeZone: string;
  /** The conversion rules' version (the board's glossaries), '' for text as written. */
  rules: string;
  lines: number;
}

/** The key of one thread's tree as `reader` sees it ('i:' apart from the windows' keys, which start with a post id). */
export function treeKey(threadId: string, reader: TreeReader): string {
  return `i:${threadId}:${reader.variant ?? 'original'}:${reader.seesDeleted ? 'm' : 'r'}:${reader.prefix}:${reader.timeZone}:${reader.rules}:${reader.lines}`;
}

/** The tree kept for the thread at exactly `seq`; undefined: read and render it (keepTree). */
function keptTree(lines: LinesCache, key: string, seq: number): RenderedLines | undefined {
  const kept = lines.get(key);
  return kept?.seq === seq ? kept : undefined;
}

/** Keeps a tree at `seq` under `key` unless a later version is kept already. */
function keepTree(lines: LinesCache, key: string, tree: RenderedLines & { seq: number }): void {
  const now = lines.peek(key)?.seq;
  if (now === undefined || now <= tree.seq) lines.set(key, tree);
}

/** A board page's threads, as far as their trees go: each with its seq and follow-ups (in the reader's variant). */
interface TreesOf {
  board: { id: string };
  canModerate: boolean;
  threads: { root: { id: string }; state: { seq: number }; replies: Post[] }[];
}

/**
 * The trees of one board page for the reader of `ctx`: `kept` (getBoardIndex's option) finds
 * those kept at their thread's seq, so their lines are not read; `rendered` renders the others
 * from the follow-ups read (after their seq was: never older than it), keeps them, and gives every
 * thread's tree. `rules` is the conversion rules' version of a board ('' for text as written).
 */
export function boardTrees(
  lines: LinesCache,
  ctx: LineContext & { variant: string | undefined },
  treeLines: number,
  rules: (boardId: string) => string,
) {
  // A reader who ignores members has their lines collapsed: rendered for them alone, never kept.
  const keeps = !ctx.ignored;
  const found = new Map<string, RenderedLines>();
  const keyOf = (threadId: string, boardId: string, seesDeleted: boolean) =>
    treeKey(threadId, {
      variant: ctx.variant,
      seesDeleted,
      prefix: ctx.prefix,
      timeZone: ctx.timeZone,
      rules: rules(boardId),
      lines: treeLines,
    });
  return {
    kept: ({ threadId, seq, boardId, seesDeleted }: { threadId: string; seq: number; boardId: string; seesDeleted: boolean }): boolean => {
      const tree = keeps ? keptTree(lines, keyOf(threadId, boardId, seesDeleted), seq) : undefined;
      if (tree) found.set(threadId, tree);
      return tree !== undefined;
    },
    rendered: (index: TreesOf): ReadonlyMap<string, RenderedLines> => {
      const trees = new Map<string, RenderedLines>();
      for (const { root, state, replies } of index.threads) {
        let tree = found.get(root.id);
        if (!tree) {
          const fresh = { html: renderTree(ctx, replies, 0).html, count: replies.length, spans: LineSpans.none, seq: state.seq };
          if (keeps) keepTree(lines, keyOf(root.id, index.board.id, index.canModerate), fresh);
          tree = fresh;
        }
        trees.set(root.id, tree);
      }
      return trees;
    },
  };
}
