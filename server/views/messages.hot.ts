/**
 * The words of the hot threads list (十大, on `/` and each board's page), written natively in
 * traditional and simplified Chinese (never converted by machine).
 */
export const hantHot = {
  /** The list's heading: the site's, or a board's. */
  siteHeading: '十大熱門話題',
  boardHeading: (board: string) => `${board} 十大熱門`,
  /** The switch between the two windows (links: it works without JavaScript). */
  today: '今日',
  week: '本週',
  switchLabel: '熱門話題的時段',
  /** How many members replied (the starter included), on a thread's line. */
  members: (n: number) => `${n} 人跟帖`,
  none: '這段時間還沒有熱門話題。',
};

export const hansHot: typeof hantHot = {
  siteHeading: '十大热门话题',
  boardHeading: (board: string) => `${board} 十大热门`,
  today: '今日',
  week: '本周',
  switchLabel: '热门话题的时段',
  members: (n: number) => `${n} 人跟帖`,
  none: '这段时间还没有热门话题。',
};
