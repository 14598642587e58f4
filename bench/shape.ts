/**
 * The shape and text of a synthetic thread, deterministic for a given seed.
 *
 * Modelled on tests/fixtures/source-thread-shape.json (a real busy thread): most follow-ups answer
 * something recent, shallow posts attract more answers than deep ones, about 60% are title-only,
 * the rest carry a CJK body of 50-2,000 bytes. Depth is capped at MAX_DEPTH.
 */

export const MAX_DEPTH = 30;
/** Share of follow-ups with no body. */
export const TITLE_ONLY_SHARE = 0.6;

/** A pseudo-random source in [0, 1) (mulberry32): the same seed gives the same thread. */
export type Random = () => number;

/** mulberry32: small, fast and good enough to shape a thread. */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One follow-up to write: its parent as an index into the thread (0 = the root). */
export interface PlannedReply {
  parent: number;
  depth: number;
  title: string;
  /** Plain text as a member would type it; '' for a title-only post. */
  body: string;
  /** Index into the list of authors. */
  author: number;
}

/**
 * Plans `n` follow-ups. Each picks its parent: the root 15% of the time, otherwise a recent post
 * (how far back is exponential, mean 8 posts) accepted with probability 0.985^depth, so deep
 * posts get fewer answers and chains of back-and-forth still reach depth ~30 in a big thread.
 */
export function planThread(n: number, random: Random, authors: number): PlannedReply[] {
  const depths = [0];
  const replies: PlannedReply[] = [];
  for (let i = 1; i <= n; i++) {
    let parent = 0;
    if (random() >= 0.15) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const back = Math.floor(-Math.log(1 - random()) * 8);
        const candidate = Math.max(0, i - 1 - back);
        const depth = depths[candidate]!;
        if (depth >= MAX_DEPTH) continue;
        if (random() < Math.pow(0.985, depth)) {
          parent = candidate;
          break;
        }
      }
    }
    const depth = depths[parent]! + 1;
    depths.push(depth);
    replies.push({ parent, depth, title: cjkTitle(random), body: randomBody(random), author: Math.floor(random() * authors) });
  }
  return replies;
}

/** A body as typed: '' (title-only) 60% of the time, otherwise CJK text of 50-2,000 bytes. */
export function randomBody(random: Random): string {
  if (random() < TITLE_ONLY_SHARE) return '';
  // Log-uniform size: many short answers, a few long ones. Stored as <p>…</p>, 7 bytes per paragraph.
  const target = Math.round(Math.exp(Math.log(43) + random() * (Math.log(1970) - Math.log(43))));
  return cjkText(target, random);
}

/** A title of 6-60 characters (median ~30), as in the source thread. */
export function cjkTitle(random: Random): string {
  const chars = 6 + Math.floor(Math.pow(random(), 1.3) * 54);
  let title = '';
  while ([...title].length < chars) title += pick(PHRASES, random);
  return [...title].slice(0, chars).join('');
}

/** CJK prose of about `bytes` UTF-8 bytes, with punctuation and now and then a new paragraph. */
export function cjkText(bytes: number, random: Random): string {
  let text = '';
  let size = 0;
  while (size < bytes) {
    const phrase = pick(PHRASES, random) + pick(PUNCTUATION, random);
    const sep = random() < 0.06 && size > 0 ? '\n\n' : '';
    text += sep + phrase;
    size += Buffer.byteLength(sep + phrase);
  }
  // Trim back to the target (CJK characters are 3 bytes), never splitting a character.
  while (Buffer.byteLength(text) > bytes && text.length > 1) text = text.slice(0, -1);
  return text.trim() || '好';
}

const pick = <T>(list: readonly T[], random: Random): T => list[Math.floor(random() * list.length)]!;

const PUNCTUATION = ['，', '。', '！', '？', '、', '；', '：', '…', '。'] as const;

const PHRASES = [
  '我覺得這個問題',
  '其實沒有那麼簡單',
  '樓上說得對',
  '不敢苟同',
  '說句公道話',
  '大家都知道',
  '這件事情的來龍去脈',
  '當年我在北京讀書的時候',
  '房價又漲了',
  '孩子上學的問題',
  '老中老美',
  '回國還是留下',
  '股市今天大跌',
  '周末去爬山',
  '做了一桌子菜',
  '看了那部電影',
  '歷史不能假設',
  '請教各位網友',
  '謝謝分享',
  '頂一個',
  '有圖有真相',
  '此言差矣',
  '笑死我了',
  '同意樓主的觀點',
  '各有各的道理',
  '說來話長',
  '不過話又說回來',
  '你這是抬槓',
  '我的經驗是',
  '聽朋友講過',
  '這年頭',
  '中文學校',
  '疫情期間',
  '加州的天氣',
  '東岸的冬天',
  '春節聯歡晚會',
  '年輕人',
  'iPhone 16',
  '2024年',
  '一百多萬',
  '數據說明一切',
  '別太當真',
  '呵呵',
  '哈哈哈',
  '唉',
] as const;
