import type { ContextRule } from './convert.context';

/**
 * The third round of context rules (issue 18), made against the development set's new sentences
 * (tests/fixtures/conversion-dev.json, those whose source says "round 3"): forum text about
 * travel, cooking, stocks, computers and family, written around the one-to-many characters. They
 * come before the earlier rounds' (convert.context.ts), so where both fire on a word this
 * round's narrower reading decides (系上周 is the department last week, not 系上 "fasten"). Each class
 * has its own sentences in tests/text/convert.classes.test.ts.
 */

export const THIRD_ROUND: ContextRule[] = [
  // 系上周: our department last week (系), not 系上 "fasten" (繫上).
  {
    word: '系',
    to: '系',
    after: /^上(?:周|星期|礼拜|个月|学期|次|回)/,
    why: '系|上周: the department (系), then last week',
  },
  // 系 tying a knot, a ribbon or a belt (系了个蝴蝶结, 系着围裙): 繫.
  {
    word: '系',
    to: '繫',
    after:
      /^(?:了|着|上|好|紧|住)?(?:一|个|一个|一条|条|根|一根)?(?:蝴蝶结|死结|活结|红绳|绳子|鞋带|领带|领结|丝巾|围巾|围裙|腰带|皮带|安全带|扣子|带子|丝带|红领巾)/,
    notBefore: /(?:关|联|体|派|学|星|直|世)$/,
    why: '系 before what is tied (系个蝴蝶结, 系着围裙): tie (繫)',
  },
  // 面 of noodles or dough, by what is done to it (面要醒, 把面下锅, 面的口感): 麵.
  {
    word: '面',
    to: '麵',
    before: /(?:^|[，。！？；、\s]|的|个|这|那|把|碗|锅|和好的|擀好的)$/,
    after:
      /^(?:[也都还又就要得]{0,2})(?:很|太|真|挺|有点)?(?:下锅|醒|饧|发酵|盖|擀|揉|煮|蒸|捞|劲道|筋道|有嚼劲|坨|的口感|口感|是现擀|是手擀|是手工|是现做|是现煮)/,
    notBefore: /(?:方|表|里|外|上|下|前|后|对|侧|见|反|正|地|全|单|双|平|画|书|场|局|版|路|门|水|海|桌|湖|河|江|页|界|层|切|截|剖|断|会)$/,
    why: '面 cooked, kneaded or tasted (面要醒, 把面下锅): noodles or dough (麵)',
  },
  // 里 after a place or a group (公司里, 群里, 球厅里): inside (裡); 里 the unit stays after a number.
  {
    word: '里',
    to: '裡',
    before:
      /(?:公司|单位|学校|医院|宿舍|小区|社区|部门|团队|办公室|房间|城|家|店|厅|屋|群|厂|院|班|馆|场|园|圈|网|队|车|楼|所|局|营|县|镇|寺|庙)$/,
    after: /^(?![程长弄数拉])/,
    why: '里 after a place or a group (公司里): inside (裡)',
  },
  // 表 of a watch that runs, stops or is fast (这个表走得不准): 錶.
  {
    word: '表',
    to: '錶',
    after: /^(?:走得|走时|走慢|走快|慢了|快了|停了|不走了|坏了|的表带|带|盘|针|蒙)/,
    notBefore: /(?:代|发|图|列|报|外|年|课|时|仪|电|水|气|量|价|目|附|统|成|总|考|程|发|手|钟|体|地|姑|堂|表)$/,
    why: '表 that runs, stops or has hands: a watch (錶)',
  },
  // 不准 "inaccurate" after 一点都, 总是, 有点 … at the end of a clause.
  {
    word: '不准',
    to: '不準',
    before: /(?:一点儿?[都也]|根本|总是|老是|经常|一直|有点|有些|越来越|好像|似乎|可能|并|也|都)$/,
    after: /^(?:$|[，。！？、；：,.!?;:）)」』”\s]|了|啊|吧|呢|呀|吗|的)/,
    notBefore: /(?:谁都|谁也|什么都|什么也|绝|决|永远都|永远也|一律|都都)$/,
    why: '一点都不准, 总是不准: inaccurate (不準)',
  },
  // 刮 of a named wind or a storm (刮台风, 刮起了北风): blow (颳).
  {
    word: '刮',
    to: '颳',
    after:
      /^(?:了|起|着|起了|过)?(?:一阵|一场|几天|好几天)?(?:的)?(?:台风|大风|狂风|北风|南风|东风|西风|冷风|寒风|沙尘暴|龙卷风|暴风|飓风|妖风|风)/,
    why: '刮台风, 刮起北风: the wind blows (颳)',
  },
  // 冲 of rinsing and brewing with water.
  { word: '冲一冲', to: '沖一沖', before: /(?:把|将|用水|拿水)[^，。！？；\s]{0,5}$/, why: '把…冲一冲: rinse (沖)' },
  {
    word: '冲',
    to: '沖',
    before: /(?:马桶|厕所|便池|下水道|水管)(?:也|都|还|又)?(?:不|没)?$/,
    overDictionary: true,
    why: '马桶冲 …: flush (沖; OpenCC writes 衝不下)',
  },
  {
    word: '冲',
    to: '沖',
    before: /(?:用|拿|加)[^，。！？；\s]{0,3}(?:温水|热水|开水|冷水|凉水|清水|水)(?:来)?$/,
    why: '用温水冲: pour water on, brew (沖)',
  },
  // 松 after a word of degree (比较松, 很松): loose (鬆); the pine never follows 很.
  {
    word: '松',
    to: '鬆',
    before: /(?:很|太|比较|较|挺|有点|有些|更|越来越|非常|特别|蛮|这么|那么|够|不够|[得地])$/,
    after: /^(?![树林柏针鼠子果香江花])/,
    why: '很松, 比较松: loose (鬆)',
  },
  // 划 of rowing (用小船划到对岸): 划, not 劃 (to cut, to mark).
  {
    word: '划',
    to: '划',
    before: /(?:船|舟|桨|艇|筏)[^，。！？；\s]{0,2}$/,
    after: /^(?:着|了|过|到|向|回|去|来|得|出|进|一)/,
    why: '船…划到: row (划)',
  },
  // 干 of a liquid gone (河水早就干了, 香水用干了): dry (乾).
  {
    word: '干',
    to: '乾',
    before:
      /(?:水|河水|湖水|井水|香水|墨水|油|汤|酒|奶|电池|颜料|眼泪)(?:早就|早已|都快|快要|差不多|全|都|也|已经|就|快)?(?:用|喝|吸|烧|熬|晒|流)?$/,
    after: /^(?:了|透|掉|得|$|[，。！？、；])/,
    why: '水干了, 香水用干了: dried up, used up (乾)',
  },
  // 托 of handing a child or a task to someone's care (把孩子托给奶奶): entrust (託).
  {
    word: '托',
    to: '託',
    before: /(?:把|将)[^，。！？；\s]{1,5}$/,
    after: /^给/,
    why: '把孩子托给…: entrust (託)',
  },
  // 游涌: Hong Kong's dragon-boat parade along a creek (涌, not 湧 "surge").
  { word: '涌', to: '涌', before: /(?:游|遊)$/, why: '游涌: a creek (涌, as Hong Kong writes it)' },
];
