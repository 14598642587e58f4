import { THIRD_ROUND } from './convert.context.round3';
import { FOURTH_ROUND, FOURTH_ROUND_BACK, LAST_RESORT, TAIWAN_FORMS } from './convert.context.round4';
import { OpenCC } from './opencc';

/**
 * Context rules for the characters whose form depends on more than their word (issue 18): 只 is
 * 隻 in 这只好斗的公鸡 but 只 in 这只好作罢, 不准 is 不準 in 判断不准 but 不准 in 不准吸烟, 回复
 * is 回復 in 体力回复 but 回覆 in 回复帖子. No dictionary phrase or word boundary can tell them
 * apart: the words around them can. Each rule names a word (most often one character), the text
 * that must come just before it and/or just after it, what it writes there, and why; a rule
 * decides its word before any dictionary phrase or curated word of the stage (convert.stages.ts),
 * and no phrase may run across it.
 *
 * Rules look at the characters only, never at jieba's cut, so they decide alike however a run is
 * cut (tests/text/convert.cutting.test.ts). They are few and narrow on purpose: a rule fires
 * only where its neighbours say which meaning it is, and anything they do not cover is left to the
 * dictionaries as before. Each has its own sentences in tests/text/convert.context.test.ts.
 */

export interface ContextRule {
  /** The text the rule decides, in the source script. */
  word: string;
  /** What it writes: Taiwan-standard traditional (simplified → traditional) or simplified. */
  to: string;
  /** Must match the text just before the word (tested on up to 8 characters ending there; anchor with $). */
  before?: RegExp;
  /** Must match the text just after the word (tested on up to 12 characters starting there; anchor with ^). */
  after?: RegExp;
  /** Must not match the text just before the word. */
  notBefore?: RegExp;
  /** Whether the rule is there to correct a dictionary phrase, which it then outranks (convert.stages.ts). */
  overDictionary?: true;
  /** Whether what it writes is final (FIXED): later stages leave it as written (Taiwan's own forms). */
  final?: true;
  /** Why, in a few words: what `convert --explain` prints. */
  why: string;
}

// Numerals and the words that count or point, before a measure word.
const COUNT = '[一二两三四五六七八九十百千万几数半每这那哪某]';
// Animals and the things that come in pairs or as single pieces, counted with 只 (隻).
const COUNTED_WITH_ZHI =
  '(?:公|母|小|大|老|野|黑|白|黄|花|肥|胖)?(?:猫|狗|鸡|鸭|鹅|鸟|羊|兔|虎|狼|狮|熊|猴|鼠|猪|鹿|象|龟|蛙|蚊|蝇|虫|蜂|蚁|蝶|鹰|雀|燕|鸽|鹦|乌鸦|喜鹊|蝴蝶|蜜蜂|蚂蚁|青蛙|乌龟|螃蟹|虾|蟹|手|脚|眼|耳|鞋|袜|手套|耳环|袖子|箱子|船|杯子|碗|耗子|老鼠|麻雀|公鸡|母鸡|小鸡|小狗|小猫)';
// What ends a clause: where 不准 "inaccurate" stands last.
const CLAUSE_END = '(?:$|[，。！？、；：,.!?;:）)」』”\\s]|了|啊|吧|呢|呀|的|吗)';

// What may not follow 周 meaning a week: the words of going round (周围, 周到, 周期 …) and names.
const WEEK_NOT_ROUND = /^(?![围边到全密折旋游转身遭济知详正公瑜恩杰]|期(?!间))/;
// What stands before 系 in its words of system and relation (关系, 体系, 中文系 …).
const SYSTEM_WORD = /(?:关|联|体|派|院|学|世|谱|直|旁|母|父|嫡|星|水|根|科|语|书|族|品|系)$/;
// The titles and words that follow a surname (余先生, 范老师): 余 and 范 are names there.
const AFTER_SURNAME = '(?:先生|女士|小姐|老师|教授|太太|夫人|医生|律师|经理|总|局长|主任|校长|老板|师傅|同学|姓|氏|家人)';

/** Simplified → traditional, written in Taiwan's standard (converted to OpenCC's for the stages). */
const FROM_SIMPLIFIED: ContextRule[] = [
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
  // 干 as "to do" is 幹: 一干就是二十年, 干得漂亮.
  // 干 of things drying is 乾 (OpenCC's 干了 is 幹了).
  {
    word: '干',
    to: '乾',
    before:
      /(?:衣服|头发|毛巾|被子|袜子|鞋子|床单|油漆|地面|墙|眼泪|泪水|汗|血|河|井|嘴|唇|舌头|眼睛|眼眶|喉咙|嗓子|皮肤|墨|颜料|胶水|水泥|池塘|湖|泉|田|土)(?:都|也|还|已经|快|就|没|还没|都没|晾|晒|吹|烘|擦)?$/,
    after: /^(?:了|透|得|的|吗|没|$|[，。！？、；])/,
    why: '干 of something wet drying: dry (乾)',
  },
  {
    word: '干',
    to: '乾',
    after: /^(?:青豆|黄豆|豆子|香菇|蘑菇|辣椒|花生|果|枣|虾|贝|鱼|海带|木耳|笋|粮|草|柴|菜|豆腐|肉|奶酪|酪|粉|电池|冰|燥|洗)/,
    notBefore: /(?:树|骨|主|枝|躯|才|能|苦|实|大|蛮|巧|若|相|硬|精|傻|死|胡|乱|肯|敢|想|要|会|不|别|来|去|在|得|们|你|我|他|她)$/,
    why: '干 before a food or a thing kept dry (干香菇, 干辣椒): dried (乾)',
  },
  {
    word: '干',
    to: '乾',
    before: /(?:喊|哭|喝|吸|烤|晒|晾|擦|吹|烘|抽|榨|耗|流|熬|蒸|吃|舔|风)$/,
    after: /^(?:了|透|净|的|$|[，。！？、；])/,
    why: '喊干了, 哭干了: drained dry (乾)',
  },
  {
    word: '干子',
    to: '幹子',
    before: /(?:剩|剩下|的|光|枯|树|秃)$/,
    why: '剩下的干子: the bare trunk or stalk (幹)',
  },
  { word: '干', to: '幹', before: /一$/, after: /^就/, why: '一干就… : 干 is "to do" (幹)' },
  { word: '干', to: '幹', after: /^得(?:好|漂亮|不错|出色|很好|真好)/, why: '干得好: 干 is "to do" (幹)' },
  {
    word: '干',
    to: '幹',
    after: /^(?:活|嘛|啥|什么|吗|这行|那行|一行|大事|坏事|傻事|蠢事|点(?:什么|事|活|正事|别的|儿)|些(?:什么|事|活))/,
    why: '干 followed by what is done: "to do" (幹)',
  },
  // 发 as hair is 髮: 牵一发而动全身, 千钧一发.
  { word: '发', to: '髮', before: /牵一$/, why: '牵一发: one hair (髮)' },
  {
    word: '发',
    to: '髮',
    before: /(?:理|剪|烫|染|洗|吹|卷|假|白|黑|金|秀|长|短|毛|脱|落|护|束|削|蓄|披)$/,
    after: /^(?:型|丝|梢|质|根|际|廊|夹|卡|胶|蜡|量|色)/,
    why: '发 of hair, before a word of hair (发型, 发丝)',
  },
  // 面 as noodles or flour is 麵.
  {
    word: '面',
    to: '麵',
    before: /(?:吃|煮|碗|份|盘|拌|捞|擀|揉)$/,
    after: /^(?:条(?!件)|$|[，。！？、；]|了|也|吧|吗|呢|的|很|汤|馆|店)/,
    why: '面 eaten, cooked or served: noodles (麵)',
  },
  {
    word: '面',
    to: '麵',
    after: /^(?:条(?!件)|粉|团|馆|食|筋|汤)/,
    notBefore: /(?:方|表|里|外|上|下|前|后|对|侧|见|反|正|地|全|单|双|平|画|书|场|局|版|路|门|水|海|桌)$/,
    why: '面 before a word of food (面条, 面粉): noodles, flour (麵)',
  },
  {
    word: '面',
    to: '麵',
    before: /(?:^|[，。！？；、\s])$/,
    after: /^(?:[也都还又]{0,2})(?:很|太|真|挺|有点|煮得|做得|吃着)?(?:劲道|筋道|有嚼劲|坨|烂|糊了|软|硬|熟|煮|下锅)/,
    why: '面 opening a clause on how it cooks (面也很劲道): noodles (麵)',
  },
  // 系 as "is" (literary) is 係.
  { word: '系', to: '係', before: /(?:确|实|纯|均|乃|皆|即|亦|并非|实在)$/, why: '确系, 纯系: 系 is "to be" (係)' },
  // 系 as "to tie" is 繫: 把马系在树上, 腰里系着皮带.
  {
    word: '系',
    to: '繫',
    before: /(?:把|将)[^，。！？；\s]{1,5}$/,
    after: /^(?:在|到|成|住|牢|紧|上|着|了(?:一|个|根|条))/,
    notBefore: SYSTEM_WORD,
    why: '把…系在, 系成: 系 is "to tie" (繫)',
  },
  {
    word: '系',
    to: '繫',
    before: /(?:腰|腰里|腰上|脖子上|头上|身上|手上|手腕上)$/,
    after: /^着/,
    why: '腰里系着: 系 is "to tie" (繫)',
  },
  // 不准 "inaccurate" is 不準; 不准 "not allowed" (before what is forbidden) stays.
  {
    word: '不准',
    to: '不準',
    before: /(?:说|测|算|猜|判断|估计|预报|预测|看|量|瞄|打|拿|踩|对|找|算得|定|报|把握|发音|记|认)$/,
    why: '不准 after an act of judging or aiming: inaccurate (不準)',
  },
  {
    word: '不准',
    to: '不準',
    after: new RegExp(`^${CLAUSE_END}`),
    notBefore: /(?:都|也|绝|决|就|再|还|谁|永远)$/,
    why: '不准 ending its clause: inaccurate (不準)',
  },
  { word: '准', to: '準', before: /^$|[，。！？、；\s]$/, after: /^不准/, why: '准不准: accurate or not (準)' },
  // 回复 "to recover" is 回復; "to reply" is 回覆 (OpenCC's).
  {
    word: '回复',
    to: '回復',
    after: /^(?:了)?(?:正常|原状|原样|原貌|平静|健康|体力|元气|过来|如初|常态|到)/,
    why: '回复 to a former state: recover (回復)',
  },
  {
    word: '回复',
    to: '回復',
    before:
      /(?:体力|精力|元气|健康|身体|视力|体能|状态|秩序|平静|原状|记忆|意识|知觉|神智|理智|伤势|生命值|魔力|法力|血量|经济|市场)[^，。！？；]{0,4}$/,
    why: '回复 of strength, health or order: recover (回復)',
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
  // 冲 of pouring water is 沖.
  {
    word: '冲',
    to: '沖',
    after: /^(?:了)?(?:[一两几半]?[杯个壶下次遍碗包])?(?:咖啡|茶|凉|澡|奶粉|蜂蜜|马桶|厕所|热水|冷水|牛奶|麦片|豆浆)/,
    why: '冲 before what is brewed or rinsed: pour water (沖)',
  },
  {
    word: '冲',
    to: '沖',
    before: /(?:水|雨|浪|洪|大水|洪水|雨水|海浪|潮水)$/,
    after: /^(?:了|走|掉|刷|洗|垮|毁|塌|坏|倒|上岸|干净|下来|下去)/,
    why: '水冲走: washed by water (沖)',
  },
  {
    word: '冲',
    to: '沖',
    before: /(?:把|将|用水把)[^，。！？；\s]{1,5}$/,
    after: /^(?:干净|掉|洗|刷|一下|一冲)/,
    why: '把…冲干净: rinse (沖)',
  },
  // 喂 as "to feed" is 餵; 喂 calling out ("hello") stays.
  { word: '喂', to: '餵', after: /^(?![喂你您])[\p{Script=Han}]/u, why: '喂 with an object after it: to feed (餵)' },
  // 姜 of cooking is 薑 (姜 the surname stays).
  { word: '姜', to: '薑', before: /(?:葱|蒜|生|老|嫩|子|鲜|切|放|加|煮)$/, why: '姜 among seasonings: ginger (薑)' },
  { word: '姜', to: '薑', after: /^(?:丝|片|末|汤|茶|汁|糖|块|蒜|和葱|葱)/, why: '姜 before a word of cooking: ginger (薑)' },
  // 扎 of needles is 扎 (紮 is to tie, to camp).
  { word: '扎', to: '扎', after: /^(?:了)?(?:[一两几三]?[针下])|^(?:针|心|手|眼|破|伤|进)/, why: '扎 of a needle or a sting: prick (扎)' },
  // 出 counting plays is 齣.
  {
    word: '出',
    to: '齣',
    before: new RegExp(`${COUNT}$`),
    after: /^(?:好戏|大戏|戏|闹剧|悲剧|喜剧|话剧|京剧|歌剧|剧)/,
    why: '出 counting a play (齣)',
  },
  // 困 as sleepy is 睏 (困 trapped, in difficulty, stays).
  {
    word: '困',
    to: '睏',
    before: /(?:好|很|太|真|犯|又|有点|有些|特别|非常|上班|上课)$/,
    after: /^(?![难惑扰境苦局窘顿住在])/,
    why: '困 of a person, after 很/好/犯: sleepy (睏)',
  },
  {
    word: '困',
    to: '睏',
    after: /^(?:得(?:不行|要命|要死|睁不开)|死了|极了|了(?:$|[，。！？]|吧|啊|呀))/,
    notBefore: /(?:被|贫|围|穷|艰|受|解|脱|难|所)$/,
    why: '困得不行: sleepy (睏)',
  },
  // 坛 counting jars is 罈.
  { word: '坛', to: '罈', before: new RegExp(`${COUNT}(?:大|小)?$`), why: '坛 counting jars (罈)' },
  // 表 of watches is 錶.
  {
    word: '表',
    to: '錶',
    before: /(?:块|只|戴|修|怀|钟|电子|机械|名)$/,
    after: /^(?![格示达现演情面明决扬态彰白述层率兄弟姐妹哥单])/,
    why: '表 counted with 块, worn or mended: a watch (錶)',
  },
  // 蒙 of guessing or being fooled is 矇; 蒙在鼓里 keeps 蒙.
  {
    word: '蒙',
    to: '蒙',
    after: /^在鼓里/,
    overDictionary: true,
    why: '蒙在鼓里: kept in the dark (蒙, as Taiwan’s dictionary writes it)',
  },
  { word: '蒙', to: '矇', before: /(?:瞎|乱|全|靠|就)$/, why: '瞎蒙: guess (矇)' },
  { word: '蒙', to: '矇', after: /^(?:对|错|中|一个|了一个|答案)/, why: '蒙对: guess (矇)' },
  {
    word: '蒙',
    to: '矇',
    after: /^(?:着|住|上|了){1,2}(?:[你我他她]们?的|自己的)?(?:双眼|眼睛|眼|双目)/,
    why: '蒙住眼睛: cover the eyes (矇)',
  },
  // 自制 "home-made" is 自製; 自制 "self-control" (自制力) stays.
  {
    word: '自制',
    to: '自製',
    after: /^(?:的|了|一|成|品|食|饮|酱|面|蛋|饼|糕|酒|药|玩|工)/,
    why: '自制 before what was made: home-made (自製)',
  },
  // 松 as loose or relaxed is 鬆 (the pine, 松树, stays).
  {
    word: '松',
    to: '鬆',
    after: /^(?:了|开|动|弛|绑|口|软|散|垮|懈|脱)/,
    notBefore: /(?:青|苍|古|劲|油|雪|黑|红|马尾|落叶)$/,
    why: '松 of loosening: loose (鬆)',
  },
  // 背着手 is the hands behind the back (背), not carried on the back (揹, OpenCC's 背着).
  {
    word: '背',
    to: '背',
    after: /^(?:着|起|过)(?:手|双手|两手|脸|身)/,
    why: '背着手: hands behind the back (背)',
  },
  // 了 before 如下/如此 is the particle (了), not 了如 (瞭如指掌).
  { word: '了', to: '了', after: /^如(?!指掌)/, why: '了|如下: the particle (了)' },
  // 并 "and" after 精简, 化简 (精简并易读, 化简并求值): 並, not 简并 (簡併, degenerate, a term of
  // physics: 能级简并, 简并现象).
  {
    word: '并',
    to: '並',
    before: /(?:精|化|删|从)简$/,
    why: '精简|并: "and" (並)',
  },
  // 采 of picking (采莲, 采药) is 採; 采 of bearing (风采, 神采) stays.
  {
    word: '采',
    to: '採',
    after: /^(?:莲|菱|花|茶|药|菊|桑|蘑菇|果|薇|蕨|芹|野菜|草药|樵|蜜|石|煤|矿)/,
    notBefore: /(?:风|神|文|光|丰|兴|精|博|异|多)$/,
    why: '采 of picking (采莲): pick (採)',
  },
  // 杆 counting a steelyard or a gun (一杆秤, 一杆枪) is 桿.
  {
    word: '杆',
    to: '桿',
    before: new RegExp(`${COUNT}$`),
    after: /^(?:抬秤|大秤|秤|枪|长枪|烟枪|笔|旗)/,
    why: '杆 counting a steelyard or a gun: 桿',
  },
  // 刮 of the wind is 颳.
  {
    word: '刮',
    to: '颳',
    before: /风(?:把[^，。！？；\s]{0,4}|将[^，。！？；\s]{0,4}|都|也|又|还|就|会|要|一直|整夜|呼呼地|呼呼|猛烈地)?$/,
    overDictionary: true,
    why: '风刮: the wind blows (颳)',
  },
  {
    word: '刮',
    to: '刮',
    after: /^(?:了|着|过|完)?(?:[一几两]?[下遍次]|个)?(?:胡子|脸|胡须|痧|鳞|鱼鳞|皮|腿毛|毛|油|泥|漆|锅|掉|干净|彩票|腻子)/,
    why: '刮 of scraping or shaving (刮胡子): scrape (刮)',
  },
  // 签 of signing (签了字) is 簽; a slip drawn or a stick (抽签, 牙签) is 籤.
  {
    word: '签',
    to: '簽',
    after: /^(?:了|过|好|完|下)/,
    notBefore: /(?:抽|求|竹|牙|标|书|中|上上|下下|支|根|灵)$/,
    why: '签了, 签过: sign (簽)',
  },
  // 折 of folding paper or cloth (把信折成纸鹤) is 摺; 折 breaking or discounting stays.
  {
    word: '折',
    to: '摺',
    before: /(?:把|将)[^，。！？；\s]{1,5}$/,
    after: /^(?:成(?![^，。！？；\s]{0,4}(?:币|元|钱|现金|分|价))|好|起来|叠)/,
    why: '把…折成, 折好: fold (摺)',
  },
  // 吁 of a sigh or a call to a horse (吁了一口气, 吁的一声) is 吁, not 籲 (to appeal).
  { word: '吁', to: '吁', after: /^(?:(?:的|地)?一声|了?一?口气)/, why: '吁的一声, 吁了一口气: a sigh (吁)' },
  // 杆 of a pole held or pulled (电线杆, 摇杆) is 桿; a flagpole and a railing stay 杆.
  {
    word: '杆',
    to: '桿',
    before: /(?:线|球|枪|笔|秤|烟|摇|操纵|拉)$/,
    overDictionary: true,
    why: '电线杆, 球杆: a rod (桿, as Taiwan writes it; OpenCC writes 電線杆)',
  },
  // 托 "to entrust" is 託 (托 of holding up stays): 托朋友买票, 托你的福.
  {
    word: '托',
    to: '託',
    after:
      /^(?:[你我他她]们?|人|朋友|亲戚|同学|同事|熟人|邻居|老乡|家人|大家|别人|他人)(?![^，。！？；]{0,2}(?:头|脸|下巴|腰|背|身子|身体))/,
    notBefore: /(?:手|掌|摩|衬|烘|承|依|拖|举|用|轻轻|稳稳)$/,
    why: '托 before the person entrusted: entrust (託)',
  },
  {
    word: '托',
    to: '託',
    before: /(?:还|又|曾|就|也|便|想|要|只好|只能|特地|专门|[你我他她])$/,
    after: /^(?:[^，。！？；\s]{1,4})(?:帮忙|帮我|帮他|帮她|照看|照顾|带|捎|转交|买|办|打听|问)/,
    notBefore: /(?:手|掌|用)$/,
    why: '托 someone to do something: entrust (託)',
  },
  // 余 and 范 before a title are surnames (余先生, 范老师), not 餘 and 範.
  {
    word: '余',
    to: '余',
    after: new RegExp(`^${AFTER_SURNAME}`),
    notBefore: /(?:其|多|业|课|剩|残|有|之|富|盈|结|节|空|闲|工|茶|饭|劫|年|十|百|千|万)$/,
    why: '余 before a title: the surname (余)',
  },
  {
    word: '范',
    to: '范',
    after: new RegExp(`^${AFTER_SURNAME}`),
    notBefore: /(?:模|示|规|典|防|风|师|就|垂|正|广|范)$/,
    why: '范 before a title: the surname (范)',
  },
  // 于 and 涂 before a title, where a clause starts or a name is called (于老师, 找涂先生): surnames.
  {
    word: '于',
    to: '于',
    before: /(?:^|[，。！？；、：\s“”「」]|是|叫|找|和|跟|与|问|给|请|位|个|的|向|让|被|把|说|告诉|谢谢|感谢|见|像|姓)$/,
    after: new RegExp(`^${AFTER_SURNAME}`),
    why: '于 before a title: the surname (于)',
  },
  {
    word: '涂',
    to: '涂',
    after: new RegExp(`^${AFTER_SURNAME}`),
    notBefore: /(?:乱|糊|涂|刷|再|要|得|都|被|来|去|上|抹)$/,
    why: '涂 before a title: the surname (涂)',
  },
  // 日里 "in the daytime": 裡 (the unit of length, 里, only after a number).
  {
    word: '里',
    to: '裡',
    before: /(?:^|[，。！？；、\s]|往|白|平|终|整|昔|素|旧|春|夏|秋|冬|[一二三两四五六七八九十几]|镇|连|这些|那些|前些|每)日$/,
    why: '平日里, 白日里: in the daytime (裡)',
  },
  // 借 "by means of" (借这个机会) is 藉; 借 lending and borrowing stays.
  {
    word: '借',
    to: '藉',
    after: /^(?:这|那|此|本)(?:个|次|一|回)?[^，。！？；\s]{0,4}(?:机会|场合|契机|时机|平台|东风)/,
    why: '借这个机会: by means of (藉)',
  },
  // 漓江, the river, keeps 漓 (OpenCC writes 灕江).
  { word: '漓', to: '漓', after: /^江/, overDictionary: true, why: '漓江, the river (漓)' },
  // 赞 of praise online (点赞) is 讚.
  { word: '赞', to: '讚', before: /(?:点|按|求|集|狂)(?:了|个|了个|一个|过)?$/, why: '点赞: a like (讚)' },
];

/** Traditional → simplified: the few places where a traditional word means two things. */
const FROM_TRADITIONAL: ContextRule[] = [
  // 想像 "to imagine" is 想象 on the mainland; 想|像 "wish to be like" keeps 像.
  { word: '想像', to: '想像', after: /^[^，。！？；\s]{1,8}(?:一樣|一般|似的|那樣|這樣)/, why: '想|像…一樣: wish to be like (像)' },
  // 揹 (to carry on the back) is simplified 背.
  { word: '揹著', to: '背着', why: '揹著: carrying on the back (背着)' },
  { word: '揹', to: '背', why: '揹: 背 in simplified' },
  // 藉 is 借 (藉這個機會 → 借这个机会) except in 慰藉, 狼藉, 枕藉 and 蘊藉.
  { word: '藉', to: '借', notBefore: /(?:慰|狼|枕|蘊|蕴|藉)$/, why: '藉 "by means of": 借 (慰藉, 狼藉 keep 藉)' },
];

const toOpenCCTraditional = OpenCC.Converter({ from: 'tw', to: 't' });

/** The rules for simplified text, writing OpenCC's traditional (the region's forms come after). */
export const SIMPLIFIED_CONTEXT: readonly ContextRule[] = [...FOURTH_ROUND, ...THIRD_ROUND, ...FROM_SIMPLIFIED, ...LAST_RESORT].map(
  (r) => ({ ...r, to: toOpenCCTraditional(r.to) }),
);

/** The rules for simplified text read in Taiwan's forms (zh-hant, zh-tw): Taiwan's own forms first, written as they are. */
export const TAIWAN_CONTEXT: readonly ContextRule[] = [...TAIWAN_FORMS, ...SIMPLIFIED_CONTEXT];

/** The rules for traditional text, writing simplified (final). */
export const TRADITIONAL_CONTEXT: readonly ContextRule[] = [...FROM_TRADITIONAL, ...FOURTH_ROUND_BACK];

/** Rules compiled for matching: by the first code unit of their word, and a table of those units (64 KB). */
export interface ContextRules {
  byFirst: Map<number, ContextRule[]>;
  first: Uint8Array;
}

// Compiled once per list of rules (each conversion's pipeline shares its direction's).
const compiled = new WeakMap<readonly ContextRule[], ContextRules>();

export function compileRules(rules: readonly ContextRule[]): ContextRules {
  const found = compiled.get(rules);
  if (found) return found;
  const byFirst = new Map<number, ContextRule[]>();
  const first = new Uint8Array(0x10000);
  for (const rule of rules) {
    const unit = rule.word.charCodeAt(0);
    first[unit] = 1;
    const list = byFirst.get(unit);
    if (list) list.push(rule);
    else byFirst.set(unit, [rule]);
  }
  const made = { byFirst, first };
  compiled.set(rules, made);
  return made;
}

/**
 * The first rule that fires for a word starting at i, if any. The text after the word is tested
 * first and the text before it read only when needed: most rules are anchored on what follows, and
 * the common characters among their words (了, 里) rarely have it.
 */
export function ruleAt(rules: readonly ContextRule[], text: string, i: number): ContextRule | undefined {
  let before: string | undefined;
  let after: string | undefined;
  let afterAt = -1; // where `after` starts (rules of one first character have words of different lengths)
  for (const rule of rules) {
    if (!text.startsWith(rule.word, i)) continue;
    const end = i + rule.word.length;
    if (rule.after) {
      if (afterAt !== end) {
        after = text.slice(end, end + 12);
        afterAt = end;
      }
      if (!rule.after.test(after!)) continue;
    }
    before ??= text.slice(Math.max(0, i - 8), i);
    if (rule.before && !rule.before.test(before)) continue;
    if (rule.notBefore?.test(before)) continue;
    return rule;
  }
  return undefined;
}
