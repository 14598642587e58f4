import { convertText, explainConversion } from '../../server/text/convert';
import { TAIWAN_CONTEXT, TRADITIONAL_CONTEXT } from '../../server/text/convert.context';

/**
 * The classes of one-to-many characters the second round of context rules decides (issue 18,
 * server/text/convert.context.ts): each class with sentences of its own, both meanings where it
 * has two, none taken from a corpus. The development set (tests/fixtures/conversion-dev.json) has
 * more of each; tests/text/corpus.test.ts holds Gentie to it.
 */

const toHant = (s: string) => convertText(s, 'zh-hans', 'zh-hant');
const toHans = (s: string) => convertText(s, 'zh-hant', 'zh-hans');

describe('one-to-many characters decided by their neighbours, simplified → traditional', () => {
  it.each([
    // 周: a named week, by the week, beside a day or a month (週); around (周)
    ['报表按日、周、月生成', '報表按日、週、月生成'],
    ['这款应用有周视图和月视图', '這款應用有週視圖和月視圖'],
    ['时装周下个月在巴黎举行', '時裝週下個月在巴黎舉行'],
    ['我们按周结算工资', '我們按週結算工資'],
    ['图书馆周围很安静', '圖書館周圍很安靜'],
    ['这个周期太短了', '這個週期太短了'],
  ])('周: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 干: dried food, drained dry (乾); the bare trunk (幹子); to do (幹)
    ['冰箱里有干香菇和干辣椒', '冰箱裡有乾香菇和乾辣椒'],
    ['他哭干了眼泪', '他哭乾了眼淚'],
    ['一阵风过后，地上只剩下枯的干子', '一陣風過後，地上只剩下枯的幹子'],
    ['我们去干点别的吧', '我們去幹點別的吧'],
    ['这棵树的树干很直', '這棵樹的樹幹很直'],
  ])('干: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 托: entrust someone (託); hold up (托)
    ['我托同事帮我带了午饭', '我託同事幫我帶了午飯'],
    ['她托人打听了消息', '她託人打聽了消息'],
    ['他用手托着腮', '他用手托著腮'],
    ['服务员托着盘子走过来', '服務員托著盤子走過來'],
  ])('托: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 余: the surname before a title (余); the rest (餘)
    ['余老板今天不在店里', '余老闆今天不在店裡'],
    ['其余的钱存起来', '其餘的錢存起來'],
  ])('余: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 范: the surname before a title (范); a model (範)
    ['范教授的讲座很精彩', '范教授的講座很精彩'],
    ['他是全班的模范', '他是全班的模範'],
  ])('范: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 面 opening a clause on how it cooks: noodles (麵)
    ['面也煮得太软了', '麵也煮得太軟了'],
    ['湖面也结了冰', '湖面也結了冰'],
  ])('面: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 里: in the daytime (日裡); the unit of length (里)
    ['平日里她总是很忙', '平日裡她總是很忙'],
    ['往南走三里就到了', '往南走三里就到了'],
  ])('里: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 系: to tie (繫); 关系 across 把 (係)
    ['他把船系在岸边的柱子上', '他把船繫在岸邊的柱子上'],
    ['她把这个关系在心里记着', '她把這個關係在心裡記著'],
  ])('系: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 冲: washed or rinsed with water (沖); rush (衝)
    ['海浪把沙堡冲垮了', '海浪把沙堡沖垮了'],
    ['把杯子冲一下', '把杯子沖一下'],
    ['他冲上台去', '他衝上臺去'],
  ])('冲: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 蒙: cover the eyes (矇); misty (濛)
    ['他们蒙上了他的眼睛', '他們矇上了他的眼睛'],
    ['雾气蒙蒙', '霧氣濛濛'],
  ])('蒙: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 借: by means of (藉); lend (借)
    ['借这个场合，我想说几句话', '藉這個場合，我想說幾句話'],
    ['我借了他一百块钱', '我借了他一百塊錢'],
  ])('借: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 漓江 keeps 漓
    ['漓江的水很清', '漓江的水很清'],
  ])('漓: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 赞: a like (讚); approve (贊)
    ['这篇文章值得点赞', '這篇文章值得點讚'],
    ['大家都赞成', '大家都贊成'],
  ])('赞: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 背: hands behind the back (背); carried on the back (揹)
    ['老师背着手站在讲台上', '老師背著手站在講臺上'],
    ['她背着孩子下山', '她揹著孩子下山'],
  ])('背: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 了 before 如下: the particle (not 瞭如)
    ['结果如下：我们赢了', '結果如下：我們贏了'],
    ['他列了如下几条', '他列了如下幾條'],
  ])('了: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 精简|并: "and" (並, not 簡併)
    ['这个方案精简并易于实施', '這個方案精簡並易於實施'],
  ])('并: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 采: pick (採); bearing (采)
    ['山里的人靠采药为生', '山裡的人靠採藥為生'],
    ['他神采奕奕', '他神采奕奕'],
  ])('采: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 杆 counting a steelyard (桿)
    ['老汉提着一杆秤', '老漢提著一桿秤'],
  ])('杆: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 刮: the wind (颳); scrape and shave (刮)
    ['窗外刮起了大风', '窗外颳起了大風'],
    ['风一直刮到半夜', '風一直颳到半夜'],
    ['他每天早上刮胡子', '他每天早上刮鬍子'],
    ['用刀刮掉油漆', '用刀刮掉油漆'],
  ])('刮: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 签 signed (簽), a slip or stick (籤); 折 folded (摺); 吁 a sigh (吁), an appeal (籲); 杆 a rod (桿).
    ['他们昨天签了合同', '他們昨天簽了合同'],
    ['抽签决定顺序', '抽籤決定順序'],
    ['她把手帕折好放进口袋', '她把手帕摺好放進口袋'],
    ['他把树枝折断了', '他把樹枝折斷了'],
    ['老人吁了一口气', '老人吁了一口氣'],
    ['专家呼吁大家多运动', '專家呼籲大家多運動'],
    ['路边的电线杆', '路邊的電線桿'],
    ['学校的旗杆', '學校的旗杆'],
  ])('%s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));
});

describe('the third round: forum text on travel, cooking, stocks, computers and family', () => {
  it.each([
    // 面 cooked, kneaded or tasted: noodles or dough (麵); a surface or a side stays 面
    ['揉好的面要盖上保鲜膜', '揉好的麵要蓋上保鮮膜'],
    ['把面下锅以后别盖锅盖', '把麵下鍋以後別蓋鍋蓋'],
    ['那家的面口感很一般', '那家的麵口感很一般'],
    ['桌面要擦干净', '桌面要擦乾淨'],
    ['双方见面谈一谈', '雙方見面談一談'],
  ])('面: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 系 before what is tied (繫); the department before 上周 (系)
    ['妈妈给我系了条红领巾', '媽媽給我繫了條紅領巾'],
    ['厨师系着围裙在炒菜', '廚師繫著圍裙在炒菜'],
    ['物理系上学期换了主任', '物理系上學期換了主任'],
    ['这两件事有关系', '這兩件事有關係'],
  ])('系: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 里 after a place or a group: inside (裡); after a number: the unit (里)
    ['咖啡馆里人很多', '咖啡館裡人很多'],
    ['微信群里有人发了红包', '微信群裡有人發了紅包'],
    ['部门里新来了一个实习生', '部門裡新來了一個實習生'],
    ['餐厅里人声嘈杂', '餐廳裡人聲嘈雜'],
    ['再走五里就到村口了', '再走五里就到村口了'],
    ['这辆车的里程快十万了', '這輛車的里程快十萬了'],
  ])('里: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 表 that runs or stops: a watch (錶); a table or a form stays 表
    ['我的表走慢了三分钟', '我的錶走慢了三分鐘'],
    ['报表走得是新流程', '報表走得是新流程'],
    ['请把这张表填好', '請把這張表填好'],
  ])('表: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 不准 "inaccurate" after 总是, 一点都 … (不準); "not allowed" stays 不准
    ['这个导航总是不准', '這個導航總是不準'],
    ['体温计量得一点也不准', '體溫計量得一點也不準'],
    ['上课时谁都不准说话', '上課時誰都不准說話'],
    ['会议室里不准抽烟', '會議室裡不准抽菸'],
  ])('准: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 刮 of a storm or a wind (颳); 冲 of rinsing, brewing and flushing (沖); 松 loose (鬆)
    ['昨晚刮了一夜的北风', '昨晚颳了一夜的北風'],
    ['这几天一直刮沙尘暴', '這幾天一直颳沙塵暴'],
    ['把碗冲一冲再用', '把碗沖一沖再用'],
    ['厕所冲不干净', '廁所沖不乾淨'],
    ['蜂蜜要用温水冲', '蜂蜜要用溫水沖'],
    ['他冲进了会议室', '他衝進了會議室'],
    ['这双鞋穿着有点松', '這雙鞋穿著有點鬆'],
    ['山上有很多松树', '山上有很多松樹'],
  ])('%s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 干 of a liquid gone (乾); 托 of a child given to someone's care (託); 划 of rowing (划); 游涌 (涌)
    ['墨水早就用干了', '墨水早就用乾了'],
    ['湖水都快干了', '湖水都快乾了'],
    ['他在工地干了三年', '他在工地幹了三年'],
    ['我们把狗托给邻居照顾', '我們把狗託給鄰居照顧'],
    ['她用手托着碗', '她用手托著碗'],
    ['我们坐着木船划到湖心', '我們坐著木船划到湖心'],
    ['用红笔划掉错字', '用紅筆劃掉錯字'],
    ['今年的龙舟游涌很热闹', '今年的龍舟遊涌很熱鬧'],
    ['人潮涌向出口', '人潮湧向出口'],
  ])('%s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 于 and 涂 before a title where a name is called: surnames; 对于, 属于 and painting stay
    ['明天去问于经理', '明天去問于經理'],
    ['于主任下午开会', '于主任下午開會'],
    ['这对于老师是个考验', '這對於老師是個考驗'],
    ['请涂师傅来修一下', '請涂師傅來修一下'],
    ['把药膏涂在伤口上', '把藥膏塗在傷口上'],
  ])('于, 涂: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // named weeks (週)
    ['校园开放周从明天开始', '校園開放週從明天開始'],
    ['毕业周的活动很多', '畢業週的活動很多'],
    ['会场周围都是警察', '會場周圍都是警察'],
  ])('周: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));
});

describe("the fourth round: accounts, rolls, swimming, rowing, tying, scraping, and Taiwan's own forms", () => {
  const toHk = (s: string) => convertText(s, 'zh-hans', 'zh-hk');
  it.each([
    // 账: Taiwan writes 帳 for accounts, in every word (對帳, 認帳, 帳目), not 賬
    ['下班前把今天的账核对一遍', '下班前把今天的帳核對一遍'],
    ['欠钱不还还想赖账', '欠錢不還還想賴帳'],
    ['这个月的账目有问题', '這個月的帳目有問題'],
    // 卷: rolled, curled, a roll of food (捲); a volume or an exam paper (卷)
    ['这只小羊的毛有点卷', '這隻小羊的毛有點捲'],
    ['把地图卷好放回去', '把地圖捲好放回去'],
    ['早餐吃了两个花卷', '早餐吃了兩個花捲'],
    ['这本小说的下卷还没出', '這本小說的下卷還沒出'],
    ['交卷的时间到了', '交卷的時間到了'],
    // 游: swimming (游); travel and play (遊)
    ['我不太会游，只能在浅水区', '我不太會游，只能在淺水區'],
    ['她游得很轻松', '她游得很輕鬆'],
    ['他们去海边旅游了', '他們去海邊旅遊了'],
    // 划: rowing and 划算 (划); marking (劃)
    ['划不划算要看怎么用', '划不划算要看怎麼用'],
    ['两个人轮流划着小船', '兩個人輪流划著小船'],
    ['他们在河上划了半天的船', '他們在河上划了半天的船'],
    ['他在纸上划了一条线', '他在紙上劃了一條線'],
    // 扎: tying hair, pitching camp (紮); a needle (扎)
    ['妈妈给女儿扎了个马尾', '媽媽給女兒紮了個馬尾'],
    ['姐姐扎着两条辫子', '姐姐紮著兩條辮子'],
    ['护士又扎了一针', '護士又扎了一針'],
    // 里 inside a book, a bag or a box (裡); 制度 (制)
    ['钱包里只剩十块钱', '錢包裡只剩十塊錢'],
    ['练习本里夹着一片树叶', '練習本裡夾著一片樹葉'],
    ['新的考试制度下个月实行', '新的考試制度下個月實行'],
  ])('%s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // 刮 with no wind named scrapes (刮: OpenCC's 刮了 is 颳了); with a wind or a storm it blows (颳)
    ['小心别把漆刮了', '小心別把漆刮了'],
    ['他不小心刮了别人的车', '他不小心刮了別人的車'],
    ['刮了三张都没中', '刮了三張都沒中'],
    ['前天刮了一整天的北风', '前天颳了一整天的北風'],
    ['暴风雪刮得很猛', '暴風雪颳得很猛'],
    ['外面刮起风来了', '外面颳起風來了'],
  ])('刮: %s → %s', (hans, hant) => expect(toHant(hans)).toBe(hant));

  it.each([
    // Taiwan's standard forms, final (no later stage or phrase undoes them): 嘗, 家具, 帳
    ['这道菜你一定要尝一尝', '這道菜你一定要嘗一嘗'],
    ['她品尝了三种咖啡', '她品嘗了三種咖啡'],
    ['客厅的家具要换了', '客廳的家具要換了'],
    ['家俱城周末人很多', '家具城週末人很多'],
  ])('Taiwan forms: %s → %s', (hans, hant) => {
    expect(toHant(hans)).toBe(hant);
    expect(convertText(hans, 'zh-hans', 'zh-tw')).toBe(hant);
  });

  it('leaves Hong Kong its own forms (賬, 嚐, 傢俱)', () => {
    expect(toHk('这笔账算清楚了')).toBe('這筆賬算清楚了');
    expect(toHk('她品尝了咖啡')).toBe('她品嚐了咖啡');
    expect(toHk('买家具')).toBe('買傢俱');
  });

  it.each([
    // 帳 of accounts back to 账; a tent or a net stays 帐
    ['我們對一下帳吧', '我们对一下账吧'],
    ['他死不認帳', '他死不认账'],
    ['把帳目公開', '把账目公开'],
    ['山上搭了帳篷', '山上搭了帐篷'],
    ['床上掛著蚊帳', '床上挂着蚊帐'],
  ])('帳: %s → %s', (tw, hans) => expect(toHans(tw)).toBe(hans));
});

describe('one-to-many characters decided by their neighbours, traditional → simplified', () => {
  it.each([
    // 藉 is 借 (藉這個機會), except in 慰藉, 狼藉; 揹 is 背.
    ['藉這個場合，我想說幾句話', '借这个场合，我想说几句话'],
    ['也藉此表達謝意', '也借此表达谢意'],
    ['這是唯一的慰藉', '这是唯一的慰藉'],
    ['宴會後杯盤狼藉', '宴会后杯盘狼藉'],
    ['她揹著孩子下山', '她背着孩子下山'],
    ['他揹負了太多', '他背负了太多'],
  ])('%s → %s', (tw, hans) => expect(toHans(tw)).toBe(hans));
});

describe('explaining the new rules', () => {
  it.each([
    ['这篇文章值得点赞', '赞', '讚'],
    ['把杯子冲一下', '冲', '沖'],
    ['我托同事帮我带了午饭', '托', '託'],
    ['北风刮起来了', '刮', '颳'],
    ['他把马系在树上', '系', '繫'],
    ['报表按日、周、月生成', '周', '週'],
    ['车门被刮了', '刮', '刮'],
    ['尝尝看', '尝', '嘗'],
  ])('%s: %s → %s, with the rule that decided', (text, source, output) => {
    const { stages } = explainConversion(text, 'zh-hans', 'zh-hant');
    expect(stages[0]!.steps).toContainEqual(expect.objectContaining({ source, output, kind: 'context rule', rule: expect.any(String) }));
  });

  it('gives every rule a reason to print', () => {
    for (const rule of [...TAIWAN_CONTEXT, ...TRADITIONAL_CONTEXT]) expect(rule.why.length).toBeGreaterThan(5);
  });
});
