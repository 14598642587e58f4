import type { ContextRule } from './convert.context';

/**
 * Context rules of names (issue 18): 余, 范, 于, 涂, 朴 and 郁 before a title or a word that follows a
 * surname (余先生, 范老师, 找涂先生) are the surnames, not 餘, 範, 於, 塗, 樸 and 鬱; and a few
 * people named often (余华, 余光中). Part of the
 * simplified → traditional rules assembled in convert.context.ts.
 */

// The titles and words that follow a surname (余先生, 范老师): 余 and 范 are names there.
export const AFTER_SURNAME = '(?:先生|女士|小姐|老师|教授|太太|夫人|医生|律师|经理|总|局长|主任|校长|老板|师傅|同学|姓|氏|家人)';

/** Simplified → traditional, written in Taiwan's standard (converted to OpenCC's in convert.context.ts). */
export const NAMES: ContextRule[] = [
  // 朴 and 郁 before a title are surnames (朴先生, 郁老师), not 樸 and 鬱.
  {
    word: '朴',
    to: '朴',
    after: new RegExp(`^${AFTER_SURNAME}`),
    notBefore: /(?:简|质|纯|古|淳|俭|诚|素|朴|厚)$/,
    why: '朴 before a title: the surname (朴)',
  },
  {
    word: '郁',
    to: '郁',
    after: new RegExp(`^${AFTER_SURNAME}`),
    notBefore: /(?:忧|抑|阴|沉|苍|浓|馥|葱|郁|芬|香|气|闷|苦|积)$/,
    why: '郁 before a title: the surname (郁)',
  },
  // Writers and people named often: 余华, 余秋雨, 余光中, 余承东 (the surname 余, not 餘).
  {
    word: '余',
    to: '余',
    after: /^(?:华|秋雨|光中|承东|英时|纯顺|文乐|则成)/,
    notBefore: /(?:其|多|剩|残|有|之|业|课|盈|结|节|空|闲|年|十|百|千|万)$/,
    why: '余华, 余光中: the surname (余)',
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
];
