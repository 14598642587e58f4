import type { ContextRule } from './convert.context';

/**
 * Context rules of counting (issue 18): a character whose form follows from a number or a
 * measure before it or what is counted after it: 只 counting animals (隻), 周 counting or naming
 * weeks (週), 里 the unit of length after a number, 出 counting plays (齣), 坛 counting jars (罈).
 * Part of the simplified → traditional rules assembled in convert.context.ts.
 */

// Numerals and the words that count or point, before a measure word.
export const COUNT = '[一二两三四五六七八九十百千万几数半每这那哪某]';
// Animals and the things that come in pairs or as single pieces, counted with 只 (隻).
const COUNTED_WITH_ZHI =
  '(?:公|母|小|大|老|野|黑|白|黄|花|肥|胖)?(?:猫|狗|鸡|鸭|鹅|鸟|羊|兔|虎|狼|狮|熊|猴|鼠|猪|鹿|象|龟|蛙|蚊|蝇|虫|蜂|蚁|蝶|鹰|雀|燕|鸽|鹦|乌鸦|喜鹊|蝴蝶|蜜蜂|蚂蚁|青蛙|乌龟|螃蟹|虾|蟹|手|脚|眼|耳|鞋|袜|手套|耳环|袖子|箱子|船|杯子|碗|耗子|老鼠|麻雀|公鸡|母鸡|小鸡|小狗|小猫)';

// What may not follow 周 meaning a week: the words of going round (周围, 周到, 周期 …) and names.
const WEEK_NOT_ROUND = /^(?![围边到全密折旋游转身遭济知详正公瑜恩杰]|期(?!间))/;

/** Simplified → traditional, written in Taiwan's standard (converted to OpenCC's in convert.context.ts). */
export const COUNTING: ContextRule[] = [
  // 只 counting animals and single things is 隻; 只 the adverb (只好, 只是) stays.
  {
    word: '只',
    to: '隻',
    before: new RegExp(`${COUNT}$`),
    after: new RegExp(`^(?:[^，。！？、；\\s]{0,5}的)?${COUNTED_WITH_ZHI}`),
    why: '只 counting an animal or a single thing (这只猫, 两只好斗的公鸡)',
  },
  {
    word: '只',
    to: '隻',
    before: new RegExp(`${COUNT}$`),
    after: /^(?:好斗|凶猛|可爱|受伤|流浪)(?:的|$|[，。！？])/,
    why: '只 counting before a word that describes an animal (这只好斗)',
  },
  // 周 counting weeks is 週.
  {
    word: '周',
    to: '週',
    before: /(?:[上本下每这那几两一二三五六七八九十百半]|前|隔|当|头|同|整)$/,
    after: WEEK_NOT_ROUND,
    why: '周 counted or pointed at: a week (週)',
  },
  { word: '周', to: '週', before: /四$/, after: /^(?:后|内|前|以来|左右|时间|的时间)/, why: '四周后: four weeks (週)' },
  {
    word: '周',
    to: '週',
    after: /^(?:[一二三四五六日天]|末|年|刊|报|薪|休|记)/,
    notBefore: /(?:四|姓|老|小|叫|名|和|与|跟|同)$/,
    why: '周 before a day or a period: a week (週)',
  },
  {
    word: '周',
    to: '週',
    before:
      /(?:按|逐|[年月日天季][、，/和与及或]|[书节展读]|宣传|开幕|闭幕|活动|时装|艺术|设计|文化|科技|安全|保护|购物|黄金|服务|体验|教育|健康|推广|纪念|创新|环保|美食|运动|体育|考试|迎新|招聘|电影|音乐|动漫|游戏|旅游|消费|品牌|时尚|阅读|悦读|开放|创业|毕业|招生|志愿|公益|质量|网络|交通|禁毒|校园|国际|工作)$/,
    after: WEEK_NOT_ROUND,
    why: '周 by the week, or a named week (读书周, 按周): a week (週)',
  },
  {
    word: '周',
    to: '週',
    after:
      /^(?:[、/和与及或至][年月日天季]|视图|计费|统计|报表|榜|排行|票房|销量|营收|涨幅|跌幅|均线|范围|区间|平均|计划|目标|作业|总结|例会|会(?![议合员长]))/,
    notBefore: /(?:姓|老|小|叫|名|圆|四|一)$/,
    why: '周 beside a month or a day, or before what is counted by the week (周视图): a week (週)',
  },
  // 里 after a number is the unit of length, 里 (not 裡, inside).
  { word: '里', to: '里', before: /[一二两三四五六七八九十百千万几数]$/, why: '里 after a number: the unit of length (里)' },
  // 出 counting plays is 齣.
  {
    word: '出',
    to: '齣',
    before: new RegExp(`${COUNT}$`),
    after: /^(?:好戏|大戏|戏|闹剧|悲剧|喜剧|话剧|京剧|歌剧|剧)/,
    why: '出 counting a play (齣)',
  },
  // 坛 counting jars is 罈.
  { word: '坛', to: '罈', before: new RegExp(`${COUNT}(?:大|小)?$`), why: '坛 counting jars (罈)' },
  // 日里 "in the daytime": 裡 (the unit of length, 里, only after a number).
  {
    word: '里',
    to: '裡',
    before: /(?:^|[，。！？；、\s]|往|白|平|终|整|昔|素|旧|春|夏|秋|冬|[一二三两四五六七八九十几]|镇|连|这些|那些|前些|每)日$/,
    why: '平日里, 白日里: in the daytime (裡)',
  },
];
