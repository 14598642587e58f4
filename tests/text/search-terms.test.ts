import { sql } from 'kysely';
import { cutWords, detectVariant } from '../../server/text/convert';
import { markTitle, searchSnippet } from '../../server/text/search-snippet';
import { QUERY_MAX_TERMS, foldText, foldings, parseQuery, searchDocument } from '../../server/text/search-terms';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { SEARCH_CORPUS } from '../fixtures/search-corpus';

describe('folding', () => {
  it.each([
    ['芯片', 'zh-hans', '晶片', 'zh-tw'],
    ['软件', 'zh-hans', '軟體', 'zh-tw'],
    ['软件', 'zh-hans', '軟件', 'zh-hk'],
    ['出口管制', 'zh-hans', '出口管制', 'zh-hant'],
    ['卫生', 'zh-hans', '衞生', 'zh-hk'],
    ['卫生', 'zh-hans', '衛生', 'zh-tw'],
    ['里面的线', 'zh-hans', '裏面的綫', 'zh-hk'],
    ['内存', 'zh-hans', '記憶體', 'zh-tw'],
    ['lisland_2013', 'other', 'Ｌｉｓｌａｎｄ_2013', 'other'],
  ] as const)('%s (%s) and %s (%s) fold alike', (a, va, b, vb) => {
    const readingsA = foldings(a, va);
    const readingsB = foldings(b, vb);
    expect(readingsA.some((r) => readingsB.includes(r))).toBe(true);
  });

  it('reads a text no character places in either script both ways, and a simplified one only as written', () => {
    expect(foldings('晶片', 'zh-hans')).toEqual(['晶片', '芯片']);
    // 程序 is a program in simplified text; only a Taiwan text's 程序 is a process (进程).
    expect(foldings('这个程序', 'zh-hans')).toEqual(['这个程序']);
    expect(foldText('這個程式', 'zh-tw')).toBe('这个程序');
  });
});

describe('searchDocument', () => {
  it('holds the bigrams of each run, the run’s last character, jieba’s long words, and whole Latin words and names', () => {
    const { doc } = searchDocument('中华人民共和国', '<p>Lisland_2013 說 GPT-4</p>', 'zh-hant');
    expect(doc).toContain("'中华':1A");
    expect(doc).toContain("'和国':6A");
    expect(doc).toContain("'国':7A");
    expect(doc).toContain("'中华人民共和国':1A");
    expect(doc).toContain("'lisland_2013':9B");
    expect(doc).toContain("'lisland':9B");
    expect(doc).toContain("'说':10B");
    expect(doc).toContain("'gpt':11B");
    expect(doc).toContain("'4':12B");
  });

  it('cuts Latin words and numbers into their runs of letters and of digits, one position each', () => {
    const { doc, joins } = searchDocument('', '<p>3.5mm耳机 v2.1 iPhone15</p>', 'zh-hans');
    expect(doc).toContain("'3':2B");
    expect(doc).toContain("'5':3B");
    expect(doc).toContain("'mm':4B");
    expect(doc).toContain("'耳机':5B");
    expect(doc).toContain("'v':7B");
    expect(doc).toContain("'iphone':10B");
    expect(doc).toContain("'15':11B");
    expect(doc).not.toContain("'5mm'");
    expect(joins).toContain("'5 mm'");
    expect(joins).toContain("'mm 耳'");
  });

  it('holds the joins apart: each three Han characters in a row, across punctuation, and each pair with a word', () => {
    const { doc, joins } = searchDocument('', '<p>服务器，内存 gpt芯片 iphone GPT</p>', 'zh-hans');
    expect(joins.match(/'[^']*'/g)!.sort()).toEqual(
      ["'服务器'", "'务器内'", "'器内存'", "'存 gpt'", "'gpt 芯'", "'片 iphone'", "'iphone gpt'"].sort(),
    );
    // The document is what it was: no join in it.
    expect(doc).not.toContain('务器内');
    expect(doc).not.toContain("'iphone gpt'");
    // Not across the gap between the title and the text.
    expect(searchDocument('芯片', '<p>服务</p>', 'zh-hans').joins).toBe('');
  });

  it('asks for the joins of every required phrase, in each of its readings, and of no excluded one', () => {
    const joins = (text: string) => (parseQuery(text) as { query: { joins?: string; phrases: boolean } }).query;
    expect(joins('"服务器 内存"')).toEqual(expect.objectContaining({ joins: "'服务器' & '务器内' & '器内存'", phrases: true }));
    expect(joins('"iphone gpt" 芯片')).toEqual(expect.objectContaining({ joins: "'iphone gpt'", phrases: true }));
    expect(joins('芯片 -"服务器 内存"')).toEqual(expect.objectContaining({ phrases: false }));
    expect(joins('芯片 -"服务器 内存"').joins).toBeUndefined();
    // Two single characters: a phrase without joins.
    expect(joins('"猫 狗"')).toEqual(expect.objectContaining({ phrases: true }));
    expect(joins('"猫 狗"').joins).toBeUndefined();
    // Both readings of an ambiguous run, each with its own joins.
    expect(joins('"晶片產業"').joins).toMatch(/^\(\(.*\) \| \(.*\)\)$/);
  });

  it('quotes every lexeme and keeps markup, entities and operators out', () => {
    const { doc } = searchDocument("it's & <b>bold</b>", '<p>a &amp; b | c:*</p>', 'other');
    expect(doc).not.toMatch(/[&|!<>*]/);
    expect(doc).toContain("'it':1A");
    expect(doc).toContain("'s':2A");
  });
});

describe('parseQuery', () => {
  const q = (text: string, titleOnly = false) => {
    const parsed = parseQuery(text, titleOnly);
    return parsed.ok ? parsed.query.tsquery : parsed.problem;
  };

  it('makes a run the chain of its bigrams, a short ambiguous one in both readings', () => {
    expect(q('芯片')).toBe("'芯片'");
    expect(q('晶片')).toBe("('晶片' | '芯片')");
    expect(q('出口管制')).toBe("('出口' <-> '口管' <-> '管制')");
    expect(q('猫')).toBe("'猫':*");
  });

  it('cuts a long run into jieba’s words, all required', () => {
    expect(q('美国对中国的芯片出口管制')).toBe("('美国' & '中国' & '芯片' & '出口' & '管制')");
  });

  it('keeps phrases, exclusions, names and title-only weights', () => {
    expect(q('"black cat"')).toBe("('black' <-> 'cat')");
    expect(q('「芯片 出口」')).toBe("('芯片' <2> '出口')");
    expect(q('cat -dog')).toBe("'cat' & !'dog'");
    expect(q('Lisland_2013')).toBe("'lisland_2013'");
    expect(q('芯片 猫', true)).toBe("'芯片':A & '猫':*A");
  });

  it('cuts words into their letters and digits, as documents are cut, and keeps names whole', () => {
    expect(q('3.5')).toBe("('3' <-> '5')");
    expect(q('3.5mm')).toBe("('3' <-> '5' <-> 'mm')");
    expect(q('v2.1')).toBe("('v' <-> '2' <-> '1')");
    expect(q('i7-12700K')).toBe("('i' <-> '7' <-> '12700' <-> 'k')");
    expect(q('3.5mm耳机')).toBe("('3' <-> '5' <-> 'mm' <-> '耳机')");
    expect(q('Lisland_2013')).toBe("'lisland_2013'");
    // Snippets mark the word as typed, not each of its parts wherever they are.
    expect((parseQuery('v2.1') as { ok: true; query: { marks: string[] } }).query.marks).toEqual(['v2', '1']);
  });

  it('never lets tsquery syntax or quotes through', () => {
    for (const text of ["it's", 'a\\b', 'x:*y', 'R&D', "o'neil|x"]) {
      const parsed = parseQuery(text);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      // Outside quoted lexemes only our operators remain.
      const outside = parsed.query.tsquery.replace(/'(?:[^']|'')*'/g, '');
      expect(outside).toMatch(/^[\s()&|!<>\-0-9:*A]*$/);
    }
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['字'.repeat(201), 'tooLong'],
    [Array.from({ length: QUERY_MAX_TERMS + 1 }, (_, i) => `w${i}`).join(' '), 'tooManyTerms'],
    ["''' ...", 'noWords'],
    ['-cat -dog', 'onlyExclusions'],
    ['a & | ! :*', 'operators'],
    ['<->', 'operators'],
  ])('refuses %j: %s', (text, problem) => {
    expect(q(text)).toBe(problem);
  });
});

describe('snippets', () => {
  it('cut the original text around the first match, in the reader’s variant, escaped, words marked', () => {
    const body = `<p>${'前面的字。'.repeat(20)}美國對<b>晶片</b>的出口管制 &lt;script&gt;</p>`;
    const marks = (parseQuery('芯片 出口管制') as { ok: true; query: { marks: string[] } }).query.marks;
    const hans = searchSnippet(body, marks, 'zh-tw', 'zh-hans');
    expect(hans.startsWith('…')).toBe(true);
    expect(hans).toContain('美国对 <mark>芯片</mark> 的<mark>出口管制</mark> &lt;script&gt;');
    const original = searchSnippet(body, marks, 'zh-tw', undefined);
    expect(original).toContain('<mark>晶片</mark>');
    expect(markTitle('<晶片>', marks, 'zh-tw')).toBe('&lt;<mark>晶片</mark>&gt;');
    expect(searchSnippet('', marks, 'zh-tw', 'zh-hans')).toBe('');
  });
});

/**
 * Recall on a small corpus of our own (tests/fixtures/search-corpus.ts; docs/search.md): each
 * query is a word its post contains (often a name or a new term no dictionary has, often in the
 * other script). Our documents and queries are matched by PostgreSQL itself; the comparison is
 * jieba alone (the post's cut-for-search words against the query's words).
 */
describe('recall on the corpus', () => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await createTestDatabase();
  });
  afterAll(() => target.drop());

  it('finds every labelled pair with bigrams, where jieba alone misses some', async () => {
    let pairs = 0;
    let ours = 0;
    let jiebaOnly = 0;
    for (const { text, queries } of SEARCH_CORPUS) {
      const variant = detectVariant(text);
      const doc = searchDocument(text, '', variant);
      const jiebaDoc = new Set(foldings(text, variant).flatMap((f) => cutWords(f)));
      for (const query of queries) {
        pairs++;
        const parsed = parseQuery(query);
        if (!parsed.ok) throw new Error(`${query}: ${parsed.problem}`);
        // A hit of the document is a hit of the joins too (they only narrow: findHits).
        const joins = parsed.query.joins;
        const { rows } = await sql<{ hit: boolean }>`select ${doc.doc}::tsvector @@ ${parsed.query.tsquery}::tsquery
          ${joins ? sql`and ${doc.joins}::tsvector @@ ${joins}::tsquery` : sql``} as hit`.execute(target.db);
        if (rows[0]!.hit) ours++;
        const words = foldings(query, detectVariant(query)).map((f) => cutWords(f).filter((w) => w.trim()));
        if (words.some((ws) => ws.every((w) => jiebaDoc.has(w)))) jiebaOnly++;
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(40);
    expect(ours).toBe(pairs);
    expect(jiebaOnly).toBeLessThan(pairs);
    // The figures docs/search.md quotes.
    process.stdout.write(`search recall: bigrams ${ours}/${pairs}, jieba alone ${jiebaOnly}/${pairs}\n`);
  });
});
