import { convertText, explainConversion } from '../../server/text/convert';

/**
 * Choose, don't grab (issue 18): the one-to-many characters decided by their neighbours
 * (server/text/convert.context.ts), and the scored choices where jieba's cut and a stage's words
 * disagree (server/text/convert.lattice.ts). Each class has the examples, when it names
 * any, and sentences of ours; none is taken from the corpora.
 */

const toHant = (s: string) => convertText(s, 'zh-hans', 'zh-hant');

describe('context rules, simplified → traditional', () => {
  it.each([
    // 只 counting (隻) and 只 the adverb (只).
    ['这只好斗', '這隻好鬥'],
    ['院子里有两只好斗的公鸡', '院子裡有兩隻好鬥的公雞'],
    ['他买了一只小乌龟', '他買了一隻小烏龜'],
    ['每只眼睛', '每隻眼睛'],
    ['这只好作罢', '這只好作罷'],
    ['我只好一个人去', '我只好一個人去'],
    ['这只是开始', '這只是開始'],
  ])('只: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 干: to do (幹), dry (乾).
    ['一干就是二十年', '一幹就是二十年'],
    ['他一干就是三十年', '他一幹就是三十年'],
    ['这活你干得漂亮', '這活你幹得漂亮'],
    ['你到底在干什么', '你到底在幹什麼'],
    ['雨停了，衣服也干了', '雨停了，衣服也乾了'],
    ['毛巾还没干', '毛巾還沒乾'],
    ['干杯', '乾杯'],
  ])('干: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 发: hair (髮), send or happen (發).
    ['牵一发动全身', '牽一髮動全身'],
    ['牵一发而动全身', '牽一髮而動全身'],
    ['她去理发店剪了短发', '她去理髮店剪了短髮'],
    ['被发明', '被發明'],
    ['被发现', '被發現'],
  ])('发: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 面: noodles and flour (麵), face and side (面).
    ['晚饭吃了一碗面', '晚飯吃了一碗麵'],
    ['他每天都吃面', '他每天都吃麵'],
    ['面粉和面条', '麵粉和麵條'],
    ['下面', '下面'],
    ['方面', '方面'],
    ['表面', '表面'],
  ])('面: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 准: inaccurate (不準), not allowed (不准).
    ['判断不准', '判斷不準'],
    ['天气预报越来越不准', '天氣預報越來越不準'],
    ['这把枪打得不准', '這把槍打得不準'],
    ['你猜得准不准', '你猜得準不準'],
    ['考场上不准说话', '考場上不准說話'],
    ['大家都不准走', '大家都不准走'],
  ])('准: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 回复: recover (回復), reply (回覆).
    ['体力快速回复', '體力快速回復'],
    ['休息了一晚，体力回复了', '休息了一晚，體力回復了'],
    ['伤势慢慢回复到正常', '傷勢慢慢回復到正常'],
    ['他很快回复了我的邮件', '他很快回覆了我的郵件'],
    ['请快速回复我的帖子', '請快速回覆我的帖子'],
  ])('复: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 周: a week (週), around (周).
    ['周线图', '週線圖'],
    ['下周三开会', '下週三開會'],
    ['这个周末去爬山', '這個週末去爬山'],
    ['三周后出结果', '三週後出結果'],
    ['四周都是人', '四周都是人'],
    ['周围', '周圍'],
    ['今周刊', '今周刊'],
  ])('周: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // The rest of the one-to-many characters the issue names, each both ways where it has two.
    ['他住在十里以外', '他住在十里以外'],
    ['这里', '這裡'],
    ['冲一杯咖啡再走', '沖一杯咖啡再走'],
    ['他冲过了终点', '他衝過了終點'],
    ['我先喂猫', '我先餵貓'],
    ['喂，是我', '喂，是我'],
    ['炒菜要放葱姜', '炒菜要放蔥薑'],
    ['姜太公', '姜太公'],
    ['护士给他扎了一针', '護士給他扎了一針'],
    ['这出戏很好看', '這齣戲很好看'],
    ['一出门', '一出門'],
    ['昨晚没睡，我好困', '昨晚沒睡，我好睏'],
    ['这是一个困难', '這是一個困難'],
    ['被困在电梯里', '被困在電梯裡'],
    ['我买了一坛酒', '我買了一罈酒'],
    ['论坛', '論壇'],
    ['他戴着一块表', '他戴著一塊錶'],
    ['表格', '表格'],
    ['这是自制的果酱', '這是自製的果醬'],
    ['他缺乏自制力', '他缺乏自制力'],
    ['松了一口气', '鬆了一口氣'],
    ['山上有很多松树', '山上有很多松樹'],
    ['他纯系造谣', '他純係造謠'],
    ['蒙在鼓里', '蒙在鼓裡'],
    ['这题是瞎蒙的', '這題是瞎矇的'],
  ])('%s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it('yields to a longer dictionary phrase that writes the character as the rule does (钟表, 面团)', () => {
    expect(toHant('钟表店')).toBe('鐘錶店');
    expect(toHant('揉好面团')).toBe('揉好麵糰');
  });
});

describe('context rules, traditional → simplified', () => {
  it.each([
    // 想|像…一樣: wish to be like (像); 想像 imagine: 想象.
    ['想像老鷹一樣', '想像老鹰一样'],
    ['我想像老鷹一樣飛翔', '我想像老鹰一样飞翔'],
    ['他想像小鳥一樣自由', '他想像小鸟一样自由'],
    ['發揮你的想像力', '发挥你的想象力'],
    ['這超出了我的想像', '这超出了我的想象'],
  ])('%s → %s', (tw, hans) => expect(convertText(tw, 'zh-tw', 'zh-hans')).toBe(hans));
});

describe('scored choices where jieba and the curated words disagree', () => {
  it.each([
    // A curated word inside a longer jieba word, split where that scores as well (坐地铁: 坐|地铁).
    ['他每天坐地铁上班', '他每天坐捷運上班'],
    ['地铁站', '捷運站'],
    ['我在门口的公交车站等你', '我在門口的公車站等你'],
    ['出租车司机', '計程車司機'],
    ['芯片组', '晶片組'],
    // Idioms and longer dictionary phrases stay whole: 当机立断 is far likelier than 当机|立断.
    ['当机立断', '當機立斷'],
  ])('simplified → Taiwan: %s → %s', (hans, tw) => expect(convertText(hans, 'zh-hans', 'zh-tw')).toBe(tw));

  it.each([
    ['我在門口的公車站等你', '我在门口的公交车站等你'],
    ['捷運站', '地铁站'],
    ['當機立斷', '当机立断'],
    ['網際網路', '互联网'],
    ['軟體動物', '软体动物'],
  ])('Taiwan → simplified: %s → %s', (tw, hans) => expect(convertText(tw, 'zh-tw', 'zh-hans')).toBe(hans));

  it.each([
    // A Taiwan phrase in doubt where an overlapping word is far likelier: 低级|别的, but 级别.
    ['低级别的', '低級別的'],
    ['低级别的产品', '低級別的產品'],
    ['这是一个低级别的错误', '這是一個低級別的錯誤'],
    // Not in doubt: no overlapping word outweighs the phrase.
    ['电脑内存不够', '電腦記憶體不夠'],
    ['这台电脑装了杀毒软件', '這臺電腦裝了防毒軟體'],
    ['空间站上的宇航员', '太空站上的太空人'],
  ])('simplified → Taiwan: %s → %s', (hans, tw) => expect(convertText(hans, 'zh-hans', 'zh-tw').replace(/台/g, '臺')).toBe(tw));
});

describe('explaining the choices', () => {
  it('names the context rule that decided, and why', () => {
    const { output, stages } = explainConversion('这只好斗', 'zh-hans', 'zh-hant');
    expect(output).toBe('這隻好鬥');
    expect(stages[0]!.steps).toContainEqual(
      expect.objectContaining({ source: '只', output: '隻', kind: 'context rule', rule: expect.stringContaining('只 counting') }),
    );
  });

  it('gives the scores of a split and the frequencies behind a doubt', () => {
    const split = explainConversion('坐地铁', 'zh-hans', 'zh-tw');
    expect(split.output).toBe('坐捷運');
    expect(split.stages[1]!.steps).toContainEqual(
      expect.objectContaining({
        source: '地鐵',
        output: '捷運',
        kind: 'curated word',
        choice: expect.stringMatching(/^坐地铁 split around 地铁: -?\d/),
      }),
    );
    const doubt = explainConversion('低级别的', 'zh-hans', 'zh-tw');
    expect(doubt.output).toBe('低級別的');
    expect(doubt.stages[1]!.steps).toContainEqual(
      expect.objectContaining({ source: '低級', output: '低級', choice: expect.stringMatching(/^低階 held in doubt: 级别 \(\d+\)/) }),
    );
  });
});
