/**
 * The words of reading a big thread: its windows, folding subtrees, the path up to the root, new
 * follow-ups since the last visit, and the keys. Written natively in traditional and simplified
 * Chinese (never converted by machine).
 */
export const hantReading = {
  /** A subtree's size beside its fold control: "[+] 23 條跟帖" when folded. */
  fold: (n: number) => `${n} 條跟帖`,
  /** Past the depth cap: the line's own page holds the rest. */
  continueThread: (n: number) => `繼續看這一串（${n} 條）→`,
  /** The link to the next window of follow-ups. */
  moreLines: '更多跟帖 →',
  loadingMore: '正在載入…',
  fromStart: '從頭看',
  /** Above a window that starts inside the tree: the lines it answers, repeated. */
  contextHint: '接上文：',
  /** The path from the root down to a post deep in a thread. */
  pathToRoot: '所在位置',
  /** A follow-up written since the reader's last visit; links to the next one. */
  newMark: '新',
  firstNew: '跳到第一條新跟帖',
  /** Live follow-ups under lines of a window not loaded yet (the browser module puts the number for %d). */
  newLater: '後面的部分有 %d 條新跟帖',
  foldTitleOnly: '收起只有標題的跟帖',
  expandAll: '全部展開',
  keysLabel: '鍵盤',
  keys: 'j / k：下一條 / 上一條　n：下一條新跟帖　o：收起 / 展開　m：更多跟帖',
};

export const hansReading: typeof hantReading = {
  fold: (n: number) => `${n} 条跟帖`,
  continueThread: (n: number) => `继续看这一串（${n} 条）→`,
  moreLines: '更多跟帖 →',
  loadingMore: '正在加载…',
  fromStart: '从头看',
  contextHint: '接上文：',
  pathToRoot: '所在位置',
  newMark: '新',
  firstNew: '跳到第一条新跟帖',
  newLater: '后面的部分有 %d 条新跟帖',
  foldTitleOnly: '收起只有标题的跟帖',
  expandAll: '全部展开',
  keysLabel: '键盘',
  keys: 'j / k：下一条 / 上一条　n：下一条新跟帖　o：收起 / 展开　m：更多跟帖',
};
