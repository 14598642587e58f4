import type { TextCache } from '../caches';
import type { Variant } from '../text/convert';
import { localized, localizedAll, localizedTitles, shownOn, textIn } from '../text/localize';
import type { IndexThread } from './posts.lists';
import type { PostWindow } from './posts.windows';

// What the posts services return, converted for a reader of another script variant.

/** A window of a post's page in the reader's variant: the post, and the titles of every line and ancestor. */
export function windowInVariant(conversions: TextCache, window: PostWindow, variant: Variant | undefined): PostWindow {
  // As written too: pins (text/pins.ts) are resolved whatever the reader (localized says which posts need it).
  const post = localized(conversions, window.post, variant);
  return {
    ...window,
    post,
    // Its board's name in the crumbs, by the board's glossary.
    board: boardInVariant(conversions, window.board, variant),
    root: window.root.id === post.id ? post : localizedTitles(conversions, [window.root], variant)[0]!,
    ancestors: localizedTitles(conversions, window.ancestors, variant),
    context: localizedTitles(conversions, window.context, variant),
    lines: localizedTitles(conversions, window.lines, variant),
  };
}

/**
 * A board index in the reader's variant: titles, the roots' bodies when they were fetched, and the
 * board's description (by the board's glossary, pins resolved: text/localize.ts).
 */
export function indexInVariant<I extends { threads: IndexThread[]; board: { id: string; name: string; description: string } }>(
  conversions: TextCache,
  index: I,
  variant: Variant | undefined,
): I {
  const roots = localizedAll(
    conversions,
    index.threads.map((t) => t.root),
    variant,
  );
  return {
    ...index,
    board: boardInVariant(conversions, index.board, variant),
    threads: index.threads.map((t, i) => ({ ...t, root: roots[i]!, replies: localizedTitles(conversions, t.replies, variant) })),
  };
}

/**
 * The boards of the list on `/` with their names and descriptions as a reader of `variant` reads them: each by
 * its board's glossary, pins resolved (text/localize.ts), as the board's own page shows it.
 */
export function boardsInVariant<B extends { id: string; name: string; description: string }>(
  conversions: TextCache,
  boards: B[],
  variant: Variant | undefined,
): B[] {
  return boards.map((b) => boardInVariant(conversions, b, variant));
}

/** A board's name and description as a reader of `variant` reads them: by its glossary, pins resolved. */
export function boardInVariant<B extends { id: string; name: string; description: string }>(
  conversions: TextCache,
  board: B,
  variant: Variant | undefined,
): B {
  const on = shownOn(conversions, board.id);
  return { ...board, name: textIn(on, board.name, variant), description: textIn(on, board.description, variant) };
}
