import { convertText } from '../../server/text/convert';

/**
 * The classes the fifth round of context rules decides (issue 18, server/text/convert.context.round5.ts
 * and the surnames in convert.context.names.ts): each with sentences of its own, both meanings where it
 * has two, none taken from a corpus nor from the development set's round-5 sentences the rules were made
 * against (tests/text/corpus.test.ts holds Gentie to those).
 */

const toHant = (s: string) => convertText(s, 'zh-hans', 'zh-hant');
const toHans = (s: string) => convertText(s, 'zh-hant', 'zh-hans');

describe('the fifth round: one-to-many characters decided by their neighbours, simplified → traditional', () => {
  it.each([
    // 干: something drying, only adverbs between (乾); work done (幹)
    ['干', '地面已经干了，可以走了', '地面已經乾了，可以走了'],
    ['干', '他的活早就干完了', '他的活早就幹完了'],
    ['干', '刚刷的油漆还没干透', '剛刷的油漆還沒乾透'],
    ['干', '这活我来干了', '這活我來幹了'],
    ['干', '毛巾晒干了收进来', '毛巾曬乾了收進來'],
    // 冲: after a word of degree, ending the clause (衝); pouring water (沖)
    ['冲', '这款香水气味有点冲', '這款香水氣味有點衝'],
    ['冲', '他说话太冲了', '他說話太衝了'],
    ['冲', '用热水冲了一杯奶粉', '用熱水沖了一杯奶粉'],
    // 系: after what is tied (繫); a system (系)
    ['系', '鞋带系好了再跑', '鞋帶繫好了再跑'],
    ['系', '腰带怎么系才好看', '腰帶怎麼繫才好看'],
    ['系', '安全带系统出了故障', '安全帶系統出了故障'],
    ['系', '这条领带的设计体系很完整', '這條領帶的設計體系很完整'],
    // 周: 下周到 (週); 周到, thoughtful (周)
    ['周', '新书下周到货', '新書下週到貨'],
    ['周', '他考虑得很周到', '他考慮得很周到'],
    ['周', '服务不周到的地方请见谅', '服務不周到的地方請見諒'],
    // 表: a meter (錶); 表面 (表)
    ['表', '电表走得很快', '電錶走得很快'],
    ['表', '水表面漂着一层油', '水表面漂著一層油'],
    ['表', '秒表按下去就开始计时', '秒錶按下去就開始計時'],
    // 划: put into a list or a group (劃); a boat rowed in (划)
    ['划', '这块地被划入了保护区', '這塊地被劃入了保護區'],
    ['划', '他把船划进了港湾', '他把船划進了港灣'],
    ['划', '经费划归财务部管理', '經費劃歸財務部管理'],
    // 朴: the surname before a title (朴); plain (樸)
    ['朴', '朴老师讲课很有意思', '朴老師講課很有意思'],
    ['朴', '他穿得很简朴', '他穿得很簡樸'],
    // 郁: the surname before a title (郁); gloomy (鬱)
    ['郁', '郁老师今天请假了', '郁老師今天請假了'],
    ['郁', '他很忧郁', '他很憂鬱'],
    // 余: writers named often (余); 其余 (餘)
    ['余', '我刚读完余秋雨的散文', '我剛讀完余秋雨的散文'],
    ['余', '其余华人都撤离了', '其餘華人都撤離了'],
    ['余', '余光中写过乡愁', '余光中寫過鄉愁'],
  ])('%s: %s → %s', (_class, hans, hant) => expect(toHant(hans)).toBe(hant));
});

describe('the fifth round, traditional → simplified: variants OpenCC leaves as they are', () => {
  it.each([
    ['這裏的衞生條件很好', '这里的卫生条件很好'],
    ['香港的衞星電視', '香港的卫星电视'],
    ['她化粧用了半個小時', '她化妆用了半个小时'],
    ['屋裏的綫頭要剪掉', '屋里的线头要剪掉'],
  ])('%s → %s', (hant, hans) => expect(toHans(hant)).toBe(hans));
});
