import type { TextCache } from '../caches';
import { postInThread } from '../posts/posts.paths';
import { presentPost } from '../posts/posts.presenter';
import type { Post } from '../posts/posts.model';
import { localizedAll, localizedTitles, rulesOf, shownOn, textIn } from '../text/localize';
import { markTitle, searchSnippet } from '../text/search-snippet';
import type { Variant } from '../variants';
import type { SearchResults } from './search.service';

/**
 * Hits as readers get them: in their variant (titles and bodies through the conversion cache),
 * the title with the query's words marked, a snippet of the original text around the first match
 * (text/search-snippet.ts), and the link into the window of the thread that holds the post.
 */
export interface ShownHit {
  post: Post;
  threadTitle: string;
  board: { slug: string; name: string };
  /** The title, escaped, with <mark>s. */
  titleHtml: string;
  /** Safe HTML: a piece of the text with <mark>s ('' for a title-only post). */
  snippet: string;
  /** Unprefixed path into the thread's window that holds the post (posts.paths.ts postInThread). */
  url: string;
}

/** The hits of `results` in the reader's variant (undefined: as written). */
export function showHits(conversions: TextCache, results: SearchResults, reader: Variant | undefined): ShownHit[] {
  const posts = localizedAll(
    conversions,
    results.hits.map((h) => h.post),
    reader,
  );
  const roots = localizedTitles(
    conversions,
    results.hits.map((h) => h.root),
    reader,
  );
  return results.hits.map((hit, i) => ({
    post: posts[i]!,
    threadTitle: roots[i]!.title,
    board: { ...hit.board, name: textIn(shownOn(conversions, hit.post.boardId), hit.board.name, reader) },
    titleHtml: markTitle(posts[i]!.title, results.marks, reader ?? hit.post.variant),
    snippet: searchSnippet(hit.post.body, results.marks, hit.post.variant, reader, rulesOf(conversions, hit.post)),
    url: postInThread(hit.post.threadId, hit.post.id),
  }));
}

/** A hit in JSON: the post (GET /api/posts' shape), its thread's title, the snippet, its board and link. */
export function presentHit(hit: ShownHit) {
  return {
    post: presentPost(hit.post),
    threadTitle: hit.threadTitle,
    snippet: hit.snippet,
    board: hit.board,
    url: hit.url,
  };
}
