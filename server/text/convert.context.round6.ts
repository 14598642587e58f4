import type { ContextRule } from './convert.context';
import { DRIES } from './convert.context.round5';

/**
 * The sixth round of context rules (issue 18), made against the development set's round-6
 * sentences (tests/fixtures/conversion-dev.json, source "written (round 6)"): 493 sentences written
 * for the one-to-many characters, names, Taiwan's vocabulary and Hong Kong's text, measured before
 * any rule was made (Gentie wrong on 11 of 465 to traditional and 21 of 493 back). Like the earlier
 * rounds', these come before the others, so their narrower readings win. Each class has its own
 * sentences in tests/text/convert.classes.round6.test.ts.
 */

// What else dries: a cup's or a pot's bottom, dishes, clothes not listed in round 5.
const DRIES_TOO = '(?:杯底|杯子|碗底|锅底|盘子|碗|茶杯|水杯|水壶|瓶子|水缸|水池|河道|田地|土地|衬衫|外套|袜|被单|枕套|头巾)';
// Adverbs between what dries and 干, the negations included (还没干, 都没有干).
const DRYING_OR_NOT = '(?:很快|已经|早就|早|都|也|就|还|快要?|全|终于|差不多)*(?:没有?|还没有?)?';
// What is brewed with poured water: drinks and powders.
const BREWED = '(?:咖啡|奶茶|红茶|绿茶|花茶|茶叶?|奶粉|牛奶|豆浆|麦片|燕麦|蜂蜜水?|可可|柠檬茶|藕粉|芝麻糊|米粉|冲剂|感冒药)';
// What pricks: needles, thorns, glass, stinging insects.
const PRICKS = '(?:针头?|刺|钉子?|玻璃碴?|碎玻璃|碎片|仙人掌|蜜蜂|马蜂|黄蜂|鱼刺|荆棘|铁丝)';

/** Simplified → traditional, for every region: written in Taiwan's standard (converted to OpenCC's for the stage). */
export const SIXTH_ROUND: ContextRule[] = [
  // 干 of something drying, negated or ending the clause (裤子还没干, 杯底都干了): 乾.
  {
    word: '干',
    to: '乾',
    before: new RegExp(`(?:${DRIES}|${DRIES_TOO})${DRYING_OR_NOT}$`),
    after: /^(?:$|[，。！？、；：,.!?;:\s]|了|呢|吗|啊|吧|透)/,
    why: '裤子还没干, 杯底都干了: dry (乾)',
  },
  // 冲 of brewing with poured water, the drink named after it (冲了一杯奶茶, 冲好的咖啡): 沖.
  {
    word: '冲',
    to: '沖',
    after: new RegExp(`^(?:好|了|开|泡|上|完)?的?(?:[一两几半\\d]+[杯壶碗包袋勺])?(?:热|冷|温|凉)?${BREWED}`),
    why: '冲了一杯奶茶, 冲好的咖啡: brew with poured water (沖)',
  },
  // 困 of sleep, with a few words between (困得眼睛都睁不开): 睏.
  {
    word: '困',
    to: '睏',
    after: /^得[^，。！？；\s]{0,4}(?:睁不开|抬不起|打哈欠|哈欠连天|直点头|想睡|睡着|东倒西歪)/,
    notBefore: /(?:被|贫|围|穷|艰|受|解|脱|难|所)$/,
    why: '困得眼睛都睁不开: sleepy (睏)',
  },
  // 扎 of what pricks (针扎在手上, 被玻璃扎了): prick (扎); OpenCC's 扎在 writes 紮在.
  {
    word: '扎',
    to: '扎',
    before: new RegExp(`${PRICKS}(?:都|也|又|还|就|给|把)?$`),
    why: '针扎在手上: prick (扎)',
  },
  // 准 of permission: granted leave or a request (老板准了我三天假): 准; OpenCC's 准了 writes 準了.
  {
    word: '准',
    to: '准',
    after: /^了?[^，。！？；\s]{0,6}(?:假|辞职|辞呈|离职|申请|请求|调职|出国)/,
    why: '准了我三天假: permit (准)',
  },
  // 里 before 加点, 加些 (炒面里加点青菜): inside (裡); OpenCC's 里加 (Riga) ran across the words.
  { word: '里', to: '裡', after: /^加(?:点|些|了|入|进|上|一|个|两|半|满|水|盐|糖|醋|油)/, why: '面里加点: inside (裡), not 里加 (Riga)' },
  // 里 of distance: 里数, 里程 after a word of travel (飞行里数, 公里数): the unit (里).
  { word: '里', to: '里', before: /(?:飞行|行驶|航行|累积|累计|积分|公|英|海)$/, after: /^[数程]/, why: '飞行里数: distance (里)' },
  // 里 of a ward, Taiwan's smallest district (这个里的里长): 里.
  {
    word: '里',
    to: '里',
    before: /(?:个|本|该|各|每|同|邻)$/,
    after: /^的?里(?:长|民|干事|办公处)/,
    why: '这个里的里长: the ward (里)',
  },
  // 钟 the surname of people named often (钟楚红, 钟馗): 鍾 (OpenCC's phrases decide 钟 before a title already).
  {
    word: '钟',
    to: '鍾',
    after: /^(?:楚红|嘉欣|镇涛|欣潼|丽缇|馗|繇|子期|书阁|兴民|肇政|理和|孟宏|丽丝|爱玲)/,
    notBefore: /(?:分|点|秒|闹|时|挂|座|摆|警|丧|编|晨|暮|敲|撞|铜|古|钟)$/,
    // OpenCC's phrases write 鐘楚紅.
    overDictionary: true,
    why: '钟楚红, 钟馗: the surname (鍾)',
  },
];

/**
 * Traditional → simplified: 著 after a verb it follows as zhe, before a word that 著 would
 * otherwise start (看著名單, 寫著作文): OpenCC's 著名 and 著作 (zhù) ran across the words, and
 * jieba, cutting the characters as written, kept them whole.
 */
export const SIXTH_ROUND_BACK: ContextRule[] = [
  {
    word: '著',
    to: '着',
    before:
      /(?:看|寫|拿|念|唸|叫|喊|望|盯|指|貼|印|刻|掛|擺|留|藏|躺|坐|站|穿|戴|抱|揹|背|扛|提|牽|拉|推|靠|唱|哭|笑|說|説|讀|畫|翻|填|簽|查|記|抄|等|聽|想|做|改|批)$/,
    after: /^(?:名(?:單|单|字|片|冊|册|額|额|次|牌)|作(?:文|業|业|品|業簿)|書(?:包|本|架|桌|頁)|稱(?:重|體重))/,
    why: '看著名單, 寫著作文: zhe (着), not 著名, 著作',
  },
];
