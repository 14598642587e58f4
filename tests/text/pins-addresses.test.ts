import { createCaches } from '../../server/caches';
import { renderBody } from '../../server/text/formats';
import { htmlFor, shownOn } from '../../server/text/localize';

// A pin inside a link's address is no pin (issue 18): the address stays exactly as written, in the
// link's target and in its text, for every reader; a pin beside the address is still one.
const on = shownOn(createCaches().conversions, null);
const read = (html: string) => ({ written: htmlFor(on, html, 'zh-hans', undefined), tw: htmlFor(on, html, 'zh-hans', 'zh-tw') });
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

describe('a pin inside a link address', () => {
  it('stays as written in a markdown link, autolink and bare address', () => {
    const { html } = renderBody(
      'markdown',
      '看 [软件](http://a.example/-{b}-/x)、<http://a.example/-{zh-hans:c;zh-tw:d}-/y> 和 http://a.example/-{e}- -{芯片}-',
    );
    // markdown writes braces in a target percent-encoded, as it does any address.
    expect(hrefs(html)).toEqual([
      'http://a.example/-%7Bb%7D-/x',
      'http://a.example/-%7Bzh-hans:c;zh-tw:d%7D-/y',
      'http://a.example/-%7Be%7D-',
    ]);
    for (const shown of Object.values(read(html))) {
      expect(hrefs(shown)).toEqual(hrefs(html));
      expect(shown).toContain('>http://a.example/-{zh-hans:c;zh-tw:d}-/y</a>');
      expect(shown).toContain('>http://a.example/-{e}-</a>');
    }
    // The pin after the address is one.
    expect(read(html).written).toContain('</a> 芯片');
    expect(read(html).tw).toContain('軟體</a>');
  });

  it('stays as written in the text format’s links', () => {
    const { html } = renderBody(
      'text',
      '見 http://a.example/-{b}-/x 和 https://b.example/p?q=-{zh-hans:c;zh-tw:d}- 見https://c.example/a。-{zh-hans:芯片;zh-tw:晶片}-',
    );
    expect(hrefs(html)).toEqual(['http://a.example/-{b}-/x', 'https://b.example/p?q=-{zh-hans:c;zh-tw:d}-', 'https://c.example/a']);
    const { written, tw } = read(html);
    for (const shown of [written, tw]) {
      expect(hrefs(shown)).toEqual(hrefs(html));
      expect(shown).toContain('>http://a.example/-{b}-/x</a>');
      expect(shown).toContain('>https://b.example/p?q=-{zh-hans:c;zh-tw:d}-</a>');
    }
    expect(written).toContain('。芯片');
    expect(tw).toContain('。晶片');
  });

  it('stays as written in an HTML link’s href; its text’s pins are pins', () => {
    const { html } = renderBody('html', '<p><a href="http://a.example/-{b}-/x">软件 -{zh-hans:芯片;zh-tw:晶片}-</a></p>');
    const { written, tw } = read(html);
    expect(hrefs(written)).toEqual(['http://a.example/-{b}-/x']);
    expect(hrefs(tw)).toEqual(['http://a.example/-{b}-/x']);
    expect(written).toContain('>软件 芯片</a>');
    expect(tw).toContain('>軟體 晶片</a>');
  });
});
