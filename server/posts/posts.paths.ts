/**
 * Where a link to a post in its thread goes. A thread page shows its follow-ups a window at a time
 * (posts.windows.ts), so `/t/<root>#p<id>` would open the first window and miss a follow-up beyond
 * it: a follow-up's link names it with `?at=`, which opens the window that holds it (or sends the
 * reader on to the page that nests it, when it lies past the depth cap), and the anchor scrolls to
 * it. The root's own link stays `/t/<root>`. Every link the server builds to a post in its thread
 * (notifications, digests, redirects after writing or moderating) comes from here.
 */

/**
 * The path (unprefixed) of post `postId` shown in thread `threadId`; `query` ("unnotified=2") is
 * added to the page's query, before `at`.
 */
export function postInThread(threadId: string, postId: string, query = ''): string {
  if (postId === threadId) return `/t/${threadId}${query ? `?${query}` : ''}`;
  return `/t/${threadId}?${query ? `${query}&` : ''}at=${postId}#p${postId}`;
}
