/**
 * The words of Atom feeds (their titles, and the links to them on pages), written natively in
 * traditional and simplified Chinese (never converted by machine).
 */
export const hantFeeds = {
  /** A board's new threads. */
  board: (name: string) => `${name}：新主題`,
  /** A thread's new follow-ups. */
  thread: (title: string) => `${title}：新跟帖`,
  /** A member's new threads. */
  member: (name: string) => `${name} 的新主題`,
  /** Every board's new threads. */
  site: '各版新主題',
  /** The hot list. */
  hot: '十大熱門主題',
};

export const hansFeeds: typeof hantFeeds = {
  board: (name: string) => `${name}：新主题`,
  thread: (title: string) => `${title}：新跟帖`,
  member: (name: string) => `${name} 的新主题`,
  site: '各版新主题',
  hot: '十大热门主题',
};
