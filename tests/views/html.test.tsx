import { Fragment, PIECE_CHARS, type SafeHtml, h, htmlBytes, trustedHtml } from '../../server/views/html';

// The JSX factory is `h` (tsconfig): referenced so the import is kept.
void h;

const line = (i: number) => (
  <li class="line">
    <a href={`/t/${i}`}>{`第${i}帖 <跟帖> & “引號”`}</a> <span class="bytes">({i} bytes)</span>
  </li>
);

/** The same markup as one string, built the way the runtime did before pieces. */
const expectedLine = (i: number) =>
  `<li class="line"><a href="/t/${i}">第${i}帖 &lt;跟帖&gt; &amp; “引號”</a> <span class="bytes">(${i} bytes)</span></li>`;

describe('markup built in pieces (server/views/html.ts)', () => {
  it('keeps small markup as one piece, escaped as always', () => {
    const small = <p title={'a"b'}>{'a<b'}</p>;
    expect(small.pieces).toEqual(['<p title="a&quot;b">a&lt;b</p>']);
    expect(small.html).toBe('<p title="a&quot;b">a&lt;b</p>');
    expect(String(small)).toBe(small.html);
    expect(htmlBytes(small).toString('utf8')).toBe(small.html);
  });

  it('cuts a big list into pieces of about PIECE_CHARS, in order, that join to the same markup', () => {
    const count = 3_000;
    const list: SafeHtml = <ul class="threads">{Array.from({ length: count }, (_, i) => line(i))}</ul>;
    const expected = `<ul class="threads">${Array.from({ length: count }, (_, i) => expectedLine(i)).join('')}</ul>`;
    expect(list.pieces.length).toBeGreaterThan(expected.length / (2 * PIECE_CHARS));
    for (const piece of list.pieces.slice(0, -1)) {
      expect(piece.length).toBeGreaterThanOrEqual(PIECE_CHARS);
      expect(piece.length).toBeLessThan(PIECE_CHARS + 200);
    }
    expect(list.pieces[0]!.startsWith('<ul class="threads"><li class="line">')).toBe(true);
    expect(list.pieces.at(-1)!.endsWith('</li></ul>')).toBe(true);
    expect(list.pieces.join('')).toBe(expected);
    expect(list.html).toBe(expected);
    // The bytes, encoded piece by piece, are the UTF-8 of the whole (a CJK character is never split).
    expect(htmlBytes(list).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('keeps the pieces of big markup nested in other markup, around its neighbours', () => {
    const big: SafeHtml = <Fragment>{Array.from({ length: 2_000 }, (_, i) => line(i))}</Fragment>;
    expect(big.pieces.length).toBeGreaterThan(3);
    const page: SafeHtml = (
      <html>
        <body>
          <h1>{'標題'}</h1>
          <main>{big}</main>
          {trustedHtml('<footer>完</footer>')}
        </body>
      </html>
    );
    const expected = `<html><body><h1>標題</h1><main>${big.html}</main><footer>完</footer></body></html>`;
    expect(page.pieces.length).toBeGreaterThanOrEqual(big.pieces.length);
    expect(page.pieces[0]!.startsWith('<html><body><h1>標題</h1><main>')).toBe(true);
    expect(page.pieces.at(-1)!.endsWith('</li></main><footer>完</footer></body></html>')).toBe(true);
    // Its big pieces go on as they are, none copied into a bigger one.
    for (const piece of big.pieces.filter((p) => p.length >= PIECE_CHARS)) expect(page.pieces).toContain(piece);
    expect(Math.max(...page.pieces.map((p) => p.length))).toBeLessThan(PIECE_CHARS + 200);
    expect(page.html).toBe(expected);
    expect(htmlBytes(page).toString('utf8')).toBe(expected);
  });

  it('keeps big text given whole (a kept tree of lines) as a piece of its own', () => {
    const tree = Array.from({ length: 500 }, (_, i) => expectedLine(i)).join('');
    expect(tree.length).toBeGreaterThan(PIECE_CHARS);
    const page: SafeHtml = (
      <ul class="threads">
        <li>{'頭'}</li>
        {trustedHtml(tree)}
        <li>{'尾'}</li>
      </ul>
    );
    expect(page.pieces).toEqual(['<ul class="threads"><li>頭</li>', tree, '<li>尾</li></ul>']);
    expect(htmlBytes(page).equals(Buffer.from(page.pieces.join(''), 'utf8'))).toBe(true);
  });
});
