import { convertText } from '../../server/text/convert';

/**
 * The classes the sixth round decides (issue 18, server/text/convert.context.round6.ts, Hong Kong's
 * 著 in convert.hongkong.ts and the words of writing in convert.overrides.ts): each with sentences of
 * its own, both meanings where it has two, none taken from a corpus nor from the development set's
 * round-6 sentences the rules were made against (tests/text/corpus.test.ts holds Gentie to those).
 */

const toHant = (s: string) => convertText(s, 'zh-hans', 'zh-hant');

describe('the sixth round: one-to-many characters decided by their neighbours, simplified → traditional', () => {
  it.each([
    // 干: something drying, negated or ending the clause (乾); work not done (幹)
    ['干', '碗还没干，先别收起来', '碗還沒乾，先別收起來'],
    ['干', '衬衫都干了', '襯衫都乾了'],
    ['干', '这些活他还没干', '這些活他還沒幹'],
    // 冲: brewing, the drink named after it (沖); rushing (衝)
    ['冲', '早上冲了两杯咖啡', '早上沖了兩杯咖啡'],
    ['冲', '冲好的奶粉要马上喝', '沖好的奶粉要馬上喝'],
    ['冲', '他冲进了咖啡店', '他衝進了咖啡店'],
    // 困: sleepy with words between (睏); trapped (困)
    ['困', '困得直打哈欠', '睏得直打哈欠'],
    ['困', '他被困得太久了', '他被困得太久了'],
    // 扎: pricked (扎); tied (紮)
    ['扎', '脚被钉子扎了', '腳被釘子扎了'],
    ['扎', '手指被仙人掌扎破了', '手指被仙人掌扎破了'],
    ['扎', '她扎了个辫子', '她紮了個辮子'],
    // 准: leave granted (准); inaccurate (不準)
    ['准', '经理准了他一周的假', '經理准了他一週的假'],
    ['准', '你说得不准', '你說得不準'],
    // 里: inside, before 加点 (裡); Riga (里加)
    ['里', '汤里加点盐', '湯裡加點鹽'],
    ['里', '里加是拉脱维亚的首都', '里加是拉脫維亞的首都'],
    // 里: distance (里数) and Taiwan's ward (里民)
    ['里', '这辆车的行驶里数不高', '這輛車的行駛里數不高'],
    ['里', '每个里的里民大会', '每個里的里民大會'],
    // 钟: the surname (鍾); a clock or minutes (鐘)
    ['钟', '钟女士是我们的新同事', '鍾女士是我們的新同事'],
    ['钟', '钱钟书写了围城', '錢鍾書寫了圍城'],
    ['钟', '钟馗捉鬼的故事', '鍾馗捉鬼的故事'],
    ['钟', '钟楚红演过很多电影', '鍾楚紅演過很多電影'],
    ['钟', '等了十分钟老师才来', '等了十分鐘老師才來'],
  ])('%s: %s → %s', (_class, hans, hant) => expect(toHant(hans)).toBe(hant));
});

describe('the sixth round, traditional → simplified: 著', () => {
  it.each([
    // Hong Kong text writing 著 for zhe and zhao (着), and for zhù (著)
    ['zh-hk', '記者等著採訪', '记者等着采访'],
    ['zh-hk', '他著涼了', '他着凉了'],
    ['zh-hk', '大火燒著了貨倉', '大火烧着了货仓'],
    ['zh-hk', '名著改編的電影', '名著改编的电影'],
    ['zh-hk', '這項政策的成效顯著', '这项政策的成效显著'],
    ['zh-hk', '他着急起來', '他着急起来'],
    // the words of writing OpenCC's Taiwan table lacks (著), in every traditional variant
    ['zh-hant', '澳洲的土著文化', '澳洲的土著文化'],
    ['zh-hk', '澳洲的土著文化', '澳洲的土著文化'],
    ['zh-tw', '這部電影忠於原著', '这部电影忠于原著'],
    // zhe after a verb, before what 著 would start (着): 著名, 著作 do not run across the words
    ['zh-hant', '他盯著名單看了很久', '他盯着名单看了很久'],
    ['zh-hk', '他盯著名單看了很久', '他盯着名单看了很久'],
    ['zh-hant', '孩子寫著作業', '孩子写着作业'],
    ['zh-hant', '他是著名的歌手', '他是著名的歌手'],
  ] as const)('%s: %s → %s', (variant, hant, hans) => expect(convertText(hant, variant, 'zh-hans')).toBe(hans));

  it('writes Hong Kong readers 着 for zhe, as Hong Kong writes it', () => {
    expect(convertText('他着急地说', 'zh-hans', 'zh-hk')).toBe('他着急地説');
    expect(convertText('著名作家', 'zh-hans', 'zh-hk')).toBe('著名作家');
  });
});
