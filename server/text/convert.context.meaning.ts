import type { ContextRule } from './convert.context';
import { COUNT } from './convert.context.counting';

/**
 * Context rules of meaning (issue 18): a character with two meanings written two ways, told apart
 * by the words around it: 干 drying (乾) or doing (幹), 发 hair (髮), 面 noodles (麵), 系 tying (繫)
 * or being (係), 不准 inaccurate (不準), 回复 recovering (回復), 冲 pouring water (沖), 困 sleepy
 * (睏), 表 a watch (錶), 蒙 guessing (矇), 松 loose (鬆), 签, 折, 托, 借 and the others below.
 * Part of the simplified → traditional rules assembled in convert.context.ts.
 */

// What ends a clause: where 不准 "inaccurate" stands last.
const CLAUSE_END = '(?:$|[，。！？、；：,.!?;:）)」』”\\s]|了|啊|吧|呢|呀|的|吗)';

// What stands before 系 in its words of system and relation (关系, 体系, 中文系 …).
export const SYSTEM_WORD = /(?:关|联|体|派|院|学|世|谱|直|旁|母|父|嫡|星|水|根|科|语|书|族|品|系)$/;

/** Simplified → traditional, written in Taiwan's standard (converted to OpenCC's in convert.context.ts). */
export const MEANING: ContextRule[] = [
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
