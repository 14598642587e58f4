import type { ContextRule } from './convert.context';
import { SYSTEM_WORD } from './convert.context.meaning';
import { afterDegree } from './convert.context.round4';

/**
 * The fifth round of context rules (issue 18), made against the development set's round-5
 * sentences (tests/fixtures/conversion-dev.json, source "written (round 5)"): 384 sentences
 * written for the one-to-many characters and their neighbours, measured before any rule was
 * made (Gentie wrong on 11). Like the fourth round's, these come before the earlier rounds'
 * rules, so their narrower readings win; the surnames it adds (朴, 郁, 余华) stand with the
 * others in convert.context.names.ts. Each class has its own sentences in
 * tests/text/convert.classes.round5.test.ts.
 */

// What dries: a surface, a cloth, paint or glue, a body of water.
export const DRIES =
  '(?:路面|地面|衣服|衣裳|裤子|袜子|鞋子?|头发|床单|被子|毛巾|油漆|水泥|胶水?|颜料|墨水?|墙面|伤口|皮肤|嘴唇|嗓子|喉咙|眼泪|河床|河水|井水?|湖水?|池塘|稻谷|粮食|花生|辣椒)';
// The adverbs between what dries and 干 (很快就干了, 早就晒干了).
const DRYING_ADVERBS = '(?:很快|已经|早就|早|都|也|就|快要?|全|差不多|终于|还|晒|吹|烘|风|阴|烤)*';
// What is tied: cords, ribbons, belts and knots.
const TIED = '(?:绳子?|绳索|带子?|领带|鞋带|腰带|皮带|安全带|丝带|红绳|围巾|领结|蝴蝶结)';

/** Simplified → traditional, for every region: written in Taiwan's standard (converted to OpenCC's for the stage). */
export const FIFTH_ROUND: ContextRule[] = [
  // 干 of something drying, with only adverbs between (路面很快就干了, 衣服早就晒干了): 乾.
  {
    word: '干',
    to: '乾',
    before: new RegExp(`${DRIES}${DRYING_ADVERBS}$`),
    after: /^(?:了|透|得|掉|巴巴|不了)/,
    why: '路面很快就干了: dry (乾)',
  },
  // 冲 after a word of degree, ending the clause: a strong smell or taste, a blunt manner (味道太冲了,
  // 说话很冲): 衝.
  afterDegree('冲', '衝', '味道太冲了, 说话很冲: strong, blunt (衝)'),
  // 系 of tying, after what is tied (绳子系得太紧, 领带怎么系): 繫.
  {
    word: '系',
    to: '繫',
    before: new RegExp(`${TIED}[^，。！？；\\s]{0,4}$`),
    after: /^(?![统列数])/,
    notBefore: SYSTEM_WORD,
    why: '绳子系得太紧: tie (繫)',
  },
  // 下周到, 本周到: arriving in a week (週), not 周到 (thoughtful).
  { word: '周', to: '週', before: /(?:下|本|每|这)$/, after: /^到/, why: '下周到: next week (週), not 周到' },
  // 表 of a meter: 水表, 电表, 煤气表, 秒表 (錶).
  {
    word: '表',
    to: '錶',
    before: /(?:水|电|煤气|燃气|天然气|码|秒)$/,
    after: /^(?![格示达现演情面明决扬态彰白述层率兄弟姐妹哥单])/,
    why: '水表, 电表: a meter (錶)',
  },
  // 划 of putting into a list or a group (被划进黑名单, 划入, 划归): 劃; a boat rowed in keeps 划.
  {
    word: '划',
    to: '劃',
    after: /^(?:进|入|出|归|为)/,
    notBefore: /(?:船|桨|艇|舟)[^，。！？；\s]{0,4}$/,
    why: '划进黑名单: put into (劃)',
  },
];

/**
 * Traditional → simplified: variants that traditional text from Hong Kong and older sources writes,
 * which OpenCC's tables leave as they are (衞生 stayed 衞生, 化粧 stayed 化粧).
 */
export const FIFTH_ROUND_BACK: ContextRule[] = [
  { word: '衞', to: '卫', why: '衞, a variant of 衛: 卫' },
  { word: '粧', to: '妆', why: '粧, a variant of 妝: 妆' },
];
