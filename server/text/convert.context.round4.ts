import type { ContextRule } from './convert.context';

/**
 * The fourth round of context rules (issue 18), made against the development set's round-4
 * sentences (tests/fixtures/conversion-dev.json, source "written (round 4)"): forum, news and
 * fiction sentences written for each class of one-to-many character the earlier rounds left
 * thin, with both meanings. Like the third round's, these come before the earlier rounds' rules,
 * so their narrower readings win. Each class has its own sentences in
 * tests/text/convert.classes.test.ts.
 */

// A degree word before an adjective: 有点卷, 太卷了.
export const DEGREE = '(?:有点儿?|有些|很|太|好|真|挺|特别|非常|比较|更|越来越|天生|自然|微微|都|也)';
// What ends a clause, or a particle after it.
export const CLAUSE_END = '(?:$|[，。！？、；：,.!?;:）)」』”\\s]|了|啊|吧|呢|呀|的|吗)';

/** A rule for a word after a word of degree, ending the clause (有点卷, 太冲了): an adjective's form. */
export function afterDegree(word: string, to: string, why: string): ContextRule {
  return { word, to, before: new RegExp(`${DEGREE}$`), after: new RegExp(`^${CLAUSE_END}`), why };
}

/** Simplified → traditional, for every region: written in Taiwan's standard (converted to OpenCC's for the stage). */
export const FOURTH_ROUND: ContextRule[] = [
  { word: '卷卷', to: '捲捲', after: /^[的地]/, why: '卷卷的: curly (捲捲)' },
  // 卷 of rolling or curling is 捲; 卷 the volume or the exam paper (第三卷, 试卷, 卷子) stays.
  {
    word: '卷',
    to: '捲',
    after: /^(?:卷|得|好|起|走|进|入|住|着|成|曲|到|上来|下来|在一起)/,
    notBefore: /(?:试|考|答|问|案|经|书|诗|开|手|第|[一二三四五六七八九十上中下全]卷?)$/,
    why: '卷 rolling or rolled up (卷起来, 卷得, 卷进): roll (捲)',
  },
  afterDegree('卷', '捲', '有点卷, 太卷了: curly (捲)'),
  {
    word: '卷',
    to: '捲',
    before: /(?:蛋|花|肉|菜|春|寿司|鸡肉|瑞士|烟|发|毛)$/,
    after: /^(?![子宗轴首尾册帙])/,
    why: '蛋卷, 花卷: a roll of food, or curls (捲)',
  },
  // 游 of swimming, after being able to (会游, 能游) or before how far or how well (游得, 游两千米).
  {
    word: '游',
    to: '游',
    after: /^(?:得|不动|上岸|到(?:对岸|岸边|岸上)|[一两三四五六七八九十百千几\d]+(?:米|公里|圈|个来回))/,
    why: '游得, 游两千米: swim (游)',
  },
  {
    word: '游',
    to: '游',
    before: /(?:会|能|不会|学会了?|学|敢|教[他她我你]?|想)$/,
    after: /^(?:$|[，。！？、；：,.!?;:\s]|吗|呢|吧|了|过|得|泳|不)/,
    why: '会游, 能游: swim (游)',
  },
  // 划 of rowing a boat (划了一个小时的船) and 划不划算: 划; 划 of marking and dividing stays 劃.
  {
    word: '划',
    to: '划',
    after: /^(?:了|着|过|起|完)?(?:[^，。！？；\s]{0,7}的)?(?:船|桨|艇|龙舟|皮划艇)/,
    why: '划船: row (划)',
  },
  { word: '划', to: '划', after: /^不划(?:算|得来|来)/, overDictionary: true, why: '划不划算: worth it (划)' },
  // 扎 of tying hair or a camp (扎着辫子, 扎营) is 紮; 扎 of a needle or a thorn stays.
  {
    word: '扎',
    to: '紮',
    after: /^(?:了|着|好|起|成|上)?(?:[一两几]?个|一条|两条|一根|两根)?(?:小|大|高|低)?(?:辫子|马尾|头发|辫|发髻|丸子头|蝴蝶结|绷带|营|寨)/,
    why: '扎辫子, 扎营: tie up, pitch (紮)',
  },
  // 里 inside a book, a bag or a box (课本里, 笔记本里, 书包里): 裡 (OpenCC's 本里 ran across the words;
  // 本里 alone, this neighbourhood, stays).
  {
    word: '里',
    to: '裡',
    before: /(?:[^\s，。！？、；：日根]本|本子|相册|包|箱|柜|盒|袋|瓶|罐|杯|碗|锅|盆|桶|抽屉|口袋|冰箱)$/,
    after: /^(?![程长弄数拉])/,
    why: '课本里, 书包里: inside (裡)',
  },
  // 刮 of a storm named before it, or of a wind after a length of time (刮了一夜的大风): blow (颳).
  {
    word: '刮',
    to: '颳',
    before: /(?:沙尘暴|沙暴|暴风雪|暴风雨|龙卷风|飓风|寒流)(?:都|也|又|还|就|会|要|一直|整夜)?$/,
    why: '沙尘暴刮: the storm blows (颳)',
  },
  {
    word: '刮',
    to: '颳',
    after:
      /^(?:了|起|着|起了|过)?(?:一夜|一整夜|一整天|一天|一晚上?|一下午|一上午|半天|三天三夜|好几天|几天|一冬天)(?:的)?(?:台风|大风|狂风|北风|南风|东风|西风|冷风|寒风|沙尘暴|暴风|风)/,
    why: '刮了一夜的大风: the wind blows (颳)',
  },
  // 制度, a system of rules, is 制 (考试|制度: OpenCC's 试制 ran across the words).
  { word: '制', to: '制', after: /^度/, overDictionary: true, why: '制度: a system (制)' },
];

/**
 * Simplified → Taiwan (zh-hant and zh-tw only): Taiwan's standard forms where OpenCC's Taiwan
 * table writes another (嘗, 家具, 帳). Final: the regional stage leaves them as written, and
 * Hong Kong readers keep OpenCC's Hong Kong forms (嚐, 傢俱, 賬). Not 祕: the dictionary's standard
 * (祕書, 祕密) is not what Taiwan's own published text writes (秘書長), and a rule for it made the
 * frozen corpus of real sentences worse (3 → 5 errors), so OpenCC's 秘 stands.
 */
export const TAIWAN_FORMS: ContextRule[] = [
  // Taiwan writes 帳 for accounts (對帳, 認帳, 帳目): 賬 is its variant.
  { word: '账', to: '帳', overDictionary: true, final: true, why: '账: Taiwan writes 帳 for accounts' },
  // 嘗 is Taiwan's standard for tasting and trying (嘗嘗, 品嘗, 臥薪嘗膽); OpenCC writes 嚐.
  { word: '尝', to: '嘗', overDictionary: true, final: true, why: '尝: Taiwan writes 嘗 (品嘗, 嘗到)' },
  // 家具 is Taiwan's standard; OpenCC writes 傢俱 (and 家俱 is a misspelling of it).
  { word: '家具', to: '家具', overDictionary: true, final: true, why: '家具: Taiwan writes 家具' },
  { word: '家俱', to: '家具', overDictionary: true, final: true, why: '家俱: Taiwan writes 家具' },
];

/**
 * Simplified → traditional, after every other rule: what a character is when no rule before says
 * otherwise, where OpenCC's phrases choose the rarer form. 刮了 is 颳了 in OpenCC, but 刮 blows only
 * with a wind (the wind rules come first); otherwise it scrapes (刮了一道, 刮了胡子, 刮彩票).
 */
export const LAST_RESORT: ContextRule[] = [{ word: '刮', to: '刮', overDictionary: true, why: '刮 with no wind named: scrape (刮)' }];

/** Traditional → simplified: 帳 of accounts is 账; 帳 of a tent or a curtain (帳篷, 蚊帳) is 帐. */
export const FOURTH_ROUND_BACK: ContextRule[] = [
  {
    word: '帳',
    to: '账',
    after: /^(?![篷蓬幕幔幃子簾門])/,
    notBefore: /(?:蚊|營|羅|床|紗|軍|帷|幔|篷|蓬|圓|錦|翠|紅|青|氈|綃|繡|寶|斗|布|帆|鴛|芙蓉)$/,
    why: '帳 of accounts: 账 (帳篷, 蚊帳 keep 帐)',
  },
];
