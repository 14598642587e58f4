import { convertText } from '../../server/text/convert';

/**
 * Word-bounded at every stage (issue 18): no stage of the conversion matches a phrase across
 * words, and curated words are whole words that never split a longer dictionary phrase. Each
 * class of failure has the issue's own examples and more of ours; each example was wrong before.
 */

describe('the regional vocabulary stage never matches across words', () => {
  it.each([
    // The issue's: 低|级别 matched 低級 (→ 低階), 更加|蓬松 matched 加蓬 (Gabon, → 加彭), 安全|角落 matched 全角 (→ 全形).
    ['低级别', '低級別'],
    ['更加蓬松', '更加蓬鬆'],
    ['安全角落', '安全角落'],
    // Ours: 国内|存款 (内存 → 記憶體), 蔬菜|单价 (菜单 → 選單), 存在|线索 (在线 → 線上), 世界|面临 (界面 → 介面).
    ['国内存款', '國內存款'],
    ['蔬菜单价', '蔬菜單價'],
    ['存在线索', '存在線索'],
    ['世界面临', '世界面臨'],
  ])('simplified → Taiwan: %s → %s', (hans, tw) => {
    expect(convertText(hans, 'zh-hans', 'zh-tw')).toBe(tw);
  });

  it.each([
    ['低級別產品', '低級別產品'],
    ['國內存款', '國內存款'],
    ['世界面臨挑戰', '世界面臨挑戰'],
  ])('traditional → Taiwan: %s → %s', (hant, tw) => {
    expect(convertText(hant, 'zh-hant', 'zh-tw')).toBe(tw);
  });

  it.each([
    // 媒介|面對: 介面 (Taiwan for 界面) must not match across the two words.
    ['媒介面對', '媒介面对'],
  ])('Taiwan → simplified: %s → %s', (tw, hans) => {
    expect(convertText(tw, 'zh-tw', 'zh-hans')).toBe(hans);
  });

  it.each([
    // Inside one word, or over whole words, the region's words still apply.
    ['芯片面积', '晶片面積'],
    ['软件和硬件', '軟體和硬體'],
    ['意大利面', '義大利麵'],
    ['服务器的内存', '伺服器的記憶體'],
  ])('still converts the region’s words: %s → %s', (hans, tw) => {
    expect(convertText(hans, 'zh-hans', 'zh-tw')).toBe(tw);
  });
});

describe('curated words are whole words', () => {
  it.each([
    // 當機 (crash) → 宕机 only as a word: 當機立斷 is "decide on the spot".
    ['當機立斷', '当机立断'],
    // 影片 → 视频 only as a word: 電影|片段 is a film clip.
    ['電影片段', '电影片段'],
    // A curated word that starts with Latin letters still ends on the word boundary inside the
    // run of Han characters after them (CP|值|很|高): that run is cut for it.
    ['這輛車油耗低，CP值很高。', '这辆车油耗低，性价比很高。'],
  ])('Taiwan → simplified: %s → %s', (tw, hans) => {
    expect(convertText(tw, 'zh-tw', 'zh-hans')).toBe(hans);
  });

  it.each([
    // 默认 → 預設 only as a word: 沉默|认为 is "silent, think".
    ['沉默认为', '沉默認為'],
  ])('simplified → Taiwan: %s → %s', (hans, tw) => {
    expect(convertText(hans, 'zh-hans', 'zh-tw')).toBe(tw);
  });
});

describe('curated words never split a longer dictionary phrase', () => {
  it.each([
    // The issue's: the curated 網路, 記憶體 and 軟體 inside OpenCC's longer phrases.
    ['網際網路', '互联网'],
    ['快閃記憶體', '闪存'],
    ['軟體動物', '软体动物'],
  ])('Taiwan → simplified: %s → %s', (tw, hans) => {
    expect(convertText(tw, 'zh-tw', 'zh-hans')).toBe(hans);
  });

  it.each([
    // The issue's: the curated 意大利 (→ 義大利) took 意大利 out of OpenCC's 意大利面 (→ 麵).
    ['意大利面', '義大利麵'],
  ])('simplified → Taiwan: %s → %s', (hans, tw) => {
    expect(convertText(hans, 'zh-hans', 'zh-tw')).toBe(tw);
  });
});
