/**
 * The words of a thread's filters and orders (只看樓主, one author's posts, the latest follow-ups),
 * written natively in traditional and simplified Chinese (never converted by machine). Names come
 * in as written: they are never converted.
 */
export const hantFilters = {
  /** The bar on a thread page (全部 · 只看樓主 · 最新跟帖), as screen readers name it. */
  label: '瀏覽方式',
  all: '全部',
  onlyOp: '只看樓主',
  latest: '最新跟帖',
  /** A link on a filtered page to the same for one author. */
  onlyAuthor: (name: string) => `只看 ${name}`,
  opHeading: (name: string) => `只看樓主：${name} 的帖子`,
  authorHeading: (name: string) => `${name} 在本主題的帖子`,
  latestHeading: '最新跟帖（新的在前）',
  /** Before the line a post answers (its context line). */
  answers: '回覆',
  noPosts: (name: string) => `${name} 在這個主題裡沒有帖子。`,
  noPostsAfter: (name: string) => `${name} 在這個主題裡沒有更多帖子了。`,
  noReplies: '還沒有跟帖。',
  noEarlier: '沒有更早的跟帖了。',
  /** The next page of one author's posts (display order). */
  later: '後面的帖子…',
  /** The next page of the latest follow-ups (newest first). */
  earlier: '更早的跟帖…',
  fromStart: '回到開頭',
  newest: '回到最新',
  wholeThread: '回到整個主題',
};

export const hansFilters: typeof hantFilters = {
  label: '浏览方式',
  all: '全部',
  onlyOp: '只看楼主',
  latest: '最新跟帖',
  onlyAuthor: (name: string) => `只看 ${name}`,
  opHeading: (name: string) => `只看楼主：${name} 的帖子`,
  authorHeading: (name: string) => `${name} 在本主题的帖子`,
  latestHeading: '最新跟帖（新的在前）',
  answers: '回复',
  noPosts: (name: string) => `${name} 在这个主题里没有帖子。`,
  noPostsAfter: (name: string) => `${name} 在这个主题里没有更多帖子了。`,
  noReplies: '还没有跟帖。',
  noEarlier: '没有更早的跟帖了。',
  later: '后面的帖子…',
  earlier: '更早的跟帖…',
  fromStart: '回到开头',
  newest: '回到最新',
  wholeThread: '回到整个主题',
};
