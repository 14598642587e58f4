import { LineSpans, type RenderedLine } from '../server/caches';

describe('LineSpans (a cached window’s lines, packed)', () => {
  const lines: RenderedLine[] = [
    { id: '101', authorId: '7', author: '老王', depth: 1, replyCount: 3, start: 17, open: 40, end: 120, children: 180 },
    { id: '102', authorId: '8', author: 'bob ', depth: 2, replyCount: 0, start: 200, open: 215, end: 260, children: 265, leaf: true },
    { id: '9007199254740993', authorId: '', author: '已註銷用戶 😀', depth: 3, replyCount: 12, start: 300, open: 301, end: 302 },
  ];

  it('gives every line back as it was given, field by field and whole', () => {
    const spans = new LineSpans(lines);
    expect(spans.length).toBe(3);
    expect(spans.lines()).toEqual(lines);
    expect(spans.line(1)).toEqual(lines[1]);
    expect([spans.id(2), spans.authorId(2), spans.author(2)]).toEqual(['9007199254740993', '', '已註銷用戶 😀']);
    expect([spans.depth(0), spans.replyCount(0), spans.start(0), spans.open(0), spans.end(0)]).toEqual([1, 3, 17, 40, 120]);
    expect([spans.children(0), spans.leaf(0)]).toEqual([180, false]);
    expect([spans.children(1), spans.leaf(1)]).toEqual([265, true]);
    expect([spans.children(2), spans.leaf(2)]).toEqual([undefined, false]);
    // A line with no place for follow-ups has no `children` key at all, as rendered.
    expect('children' in spans.line(2)).toBe(false);
  });

  it('keeps no line once given (a later change to a line changes nothing kept)', () => {
    const given = lines.map((l) => ({ ...l }));
    const spans = new LineSpans(given);
    given[0]!.children = 999;
    given[0]!.author = 'someone else';
    expect(spans.line(0)).toEqual(lines[0]);
  });

  it('holds no lines when given none, and counts its bytes by its lines', () => {
    expect(LineSpans.none.length).toBe(0);
    expect(LineSpans.none.lines()).toEqual([]);
    const many = new LineSpans(Array.from({ length: 500 }, (_, i) => ({ ...lines[0]!, id: String(1000 + i) })));
    expect(many.bytes).toBeGreaterThan(LineSpans.none.bytes + 500 * 7 * 4);
  });
});
