/**
 * The words of search (/search, the search boxes), written natively in traditional and simplified
 * Chinese (never converted by machine).
 */
export const hantSearch = {
  title: '搜尋',
  /** The page's heading with the query. */
  heading: (q: string) => `搜尋：${q}`,
  label: '搜尋帖子',
  submit: '搜尋',
  /** The box on a board's page searches that board. */
  inBoard: (name: string) => `在「${name}」裡搜尋`,
  /** The box on a member's page searches their posts. */
  byAuthor: (name: string) => `搜尋 ${name} 的帖子`,
  titleOnly: '只搜標題',
  author: '作者',
  from: '從',
  to: '到',
  deleted: '包括已刪除的帖子（版主）',
  /** "共 12 條結果" / "超過 1,000 條結果". */
  count: (n: number, capped: boolean) => (capped ? `超過 ${n.toLocaleString('en-US')} 條結果` : `共 ${n} 條結果`),
  none: '沒有找到符合的帖子。',
  hint: '輸入詞語搜尋標題和內容；用引號 "…" 找整句，用 -詞 排除。繁體、簡體都能找到。',
  inThread: (title: string) => `主題：${title}`,
  deletedMark: '（已刪除）',
  /** The box on a thread's page searches that thread. */
  inThisThread: '在這個主題裡搜尋',
  /** Above the hits when the search is narrowed to a board or a thread. */
  scopeBoard: (name: string) => `只在「${name}」裡搜尋`,
  scopeThread: (title: string) => `只在主題「${title}」裡搜尋`,
  /** The link that drops the board or thread and searches everywhere. */
  everywhere: '搜尋全站',
};

export const hansSearch: typeof hantSearch = {
  title: '搜索',
  heading: (q: string) => `搜索：${q}`,
  label: '搜索帖子',
  submit: '搜索',
  inBoard: (name: string) => `在“${name}”里搜索`,
  byAuthor: (name: string) => `搜索 ${name} 的帖子`,
  titleOnly: '只搜标题',
  author: '作者',
  from: '从',
  to: '到',
  deleted: '包括已删除的帖子（版主）',
  count: (n: number, capped: boolean) => (capped ? `超过 ${n.toLocaleString('en-US')} 条结果` : `共 ${n} 条结果`),
  none: '没有找到符合的帖子。',
  hint: '输入词语搜索标题和内容；用引号 "…" 找整句，用 -词 排除。繁体、简体都能找到。',
  inThread: (title: string) => `主题：${title}`,
  deletedMark: '（已删除）',
  inThisThread: '在这个主题里搜索',
  scopeBoard: (name: string) => `只在“${name}”里搜索`,
  scopeThread: (title: string) => `只在主题“${title}”里搜索`,
  everywhere: '搜索全站',
};
