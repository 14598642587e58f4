import { OpenCC } from './opencc';

/**
 * Words the dictionaries convert wrongly, with the right form, checked by hand. Only whole words
 * of general use go here (never a name or a phrase seen once): each is applied when jieba cuts
 * the text into exactly that word. The regression corpus (tests/fixtures/conversion-corpus.json)
 * shows what each fixes; docs/conversion.md keeps the tally.
 */

/** Simplified word → Taiwan-standard traditional. */
const FROM_SIMPLIFIED: Record<string, string> = {
  // 系 as "to tie" is 繫.
  系鞋带: '繫鞋帶',
  系好: '繫好',
  系上: '繫上',
  系紧: '繫緊',
  系领带: '繫領帶',
  系围巾: '繫圍巾',
  // 只 as the measure word for animals and single things is 隻 (只是/只有 stay 只).
  这只: '這隻',
  那只: '那隻',
  一只: '一隻',
  两只: '兩隻',
  几只: '幾隻',
  每只: '每隻',
  // 欲 as a noun, desire, is 慾.
  食欲: '食慾',
  性欲: '性慾',
  物欲: '物慾',
  求知欲: '求知慾',
  控制欲: '控制慾',
  占有欲: '佔有慾',
  表现欲: '表現慾',
  // 松 as loose or relaxed is 鬆.
  松了: '鬆了',
  松开: '鬆開',
  宽松: '寬鬆',
  蓬松: '蓬鬆',
  // 刮 of wind is 颳.
  刮风: '颳風',
  刮大风: '颳大風',
  // 冲 of pouring water is 沖.
  冲咖啡: '沖咖啡',
  冲凉: '沖涼',
  冲澡: '沖澡',
  冲茶: '沖茶',
  // 面 as dough or noodles is 麵.
  和面: '和麵',
  死面: '死麵',
  // Grain and the solar term are 穀.
  谷雨: '穀雨',
  谷物: '穀物',
  // 坛 as a jar is 罈.
  酒坛: '酒罈',
  坛子: '罈子',
  // Taiwan writes 帳 for accounts.
  账户: '帳戶',
  转账: '轉帳',
  结账: '結帳',
  账号: '帳號',
  账单: '帳單',
  记账: '記帳',
  算账: '算帳',
  // 准 as "allow" stays 准 (不准确 is its own word and stays 不準確).
  不准: '不准',
  批准: '批准',
};

/** Traditional word → mainland simplified. */
const FROM_TRADITIONAL: Record<string, string> = {
  // 帳 of accounts is 账 on the mainland (帳篷, 蚊帳 stay 帐).
  帳戶: '账户',
  轉帳: '转账',
  結帳: '结账',
  帳號: '账号',
  帳單: '账单',
  記帳: '记账',
  算帳: '算账',
  帳目: '账目',
  帳本: '账本',
  // 著 in 著有, 著作, 著名 (to write; famous) stays 著.
  著有: '著有',
  // and in the words of writing OpenCC's Taiwan table lacks (its 著 → 着 made 土著 土着).
  土著: '土著',
  原著: '原著',
  編著: '编著',
  論著: '论著',
  遺著: '遗著',
  譯著: '译著',
  專著: '专著',
  卓著: '卓著',
  拙著: '拙著',
  撰著: '撰著',
  // The mainland standard writes 想象.
  想像: '想象',
};

const toOpenCCTraditional = OpenCC.Converter({ from: 'tw', to: 't' });

/** Simplified words → OpenCC's traditional (the locale's own variants are applied after). */
export const WORD_OVERRIDES: ReadonlyMap<string, string> = new Map(
  Object.entries(FROM_SIMPLIFIED).map(([word, tw]) => [word, toOpenCCTraditional(tw)]),
);

/** Traditional words → simplified, matched longest first. */
export const TRADITIONAL_OVERRIDES = (() => {
  const trie = new OpenCC.Trie();
  trie.loadDict(Object.entries(FROM_TRADITIONAL));
  return trie;
})();

/**
 * Mainland and Taiwan words for the same thing, well established on both sides, that opencc-js's
 * TWPhrases lacks. Used for zh-tw readers of mainland text and zh-hans readers of Taiwan text;
 * those marked `to Taiwan` only that way, since the Taiwan word is mainland usage too (凤梨,
 * 奇异果, 预设: OpenCC's own test cases keep them, tests/text/opencc-cases.test.ts).
 */
const VOCABULARY: [mainland: string, taiwan: string, only?: 'to Taiwan'][] = [
  ['土豆', '馬鈴薯'],
  ['西红柿', '番茄'],
  ['菠萝', '鳳梨', 'to Taiwan'],
  ['酸奶', '優格'],
  ['猕猴桃', '奇異果', 'to Taiwan'],
  ['三文鱼', '鮭魚'],
  ['公交车', '公車'],
  ['地铁', '捷運'],
  ['便利店', '便利商店'],
  ['性价比', 'CP值'],
  ['宇航员', '太空人'],
  ['空间站', '太空站'],
  ['宕机', '當機'],
  ['默认', '預設', 'to Taiwan'],
  ['悉尼', '雪梨'],
  ['澳大利亚', '澳洲'],
  ['新西兰', '紐西蘭'],
  ['意大利', '義大利'],
  ['移动硬盘', '外接硬碟'],
  ['U盘', '隨身碟'],
  ['博客', '部落格'],
  ['短信', '簡訊'],
  ['打印机', '印表機'],
  ['打印', '列印'],
  ['鼠标', '滑鼠'],
  ['内存', '記憶體'],
  ['服务器', '伺服器'],
  ['数据库', '資料庫'],
  ['视频', '影片'],
  ['质量好', '品質好'],
  ['产品质量', '產品品質'],
  ['出租车', '計程車'],
  ['自行车', '腳踏車'],
  ['信息', '資訊'],
  ['网络', '網路'],
  ['软件', '軟體'],
  ['硬件', '硬體'],
  ['芯片', '晶片'],
  ['程序员', '程式設計師'],
  ['比萨饼', '披薩', 'to Taiwan'],
  ['比萨', '披薩', 'to Taiwan'],
  ['小区', '社區', 'to Taiwan'],
  // OpenCC's TWPhrases writes 打開 as 開啟; Taiwan writes both, and 打開 far more often.
  ['打开', '打開', 'to Taiwan'],
];

/** Simplified mainland word → Taiwan word (in OpenCC's traditional, before the tw variants). */
export const TAIWAN_WORDS: ReadonlyMap<string, string> = new Map(VOCABULARY.map(([cn, tw]) => [cn, toOpenCCTraditional(tw)]));

/** Taiwan word → simplified mainland word, with the traditional overrides too; longest first. */
export const MAINLAND_WORDS = (() => {
  const trie = new OpenCC.Trie();
  trie.loadDict([
    ...Object.entries(FROM_TRADITIONAL),
    ...VOCABULARY.filter(([, , only]) => only !== 'to Taiwan').map(([cn, tw]) => [tw, cn] as [string, string]),
  ]);
  return trie;
})();
