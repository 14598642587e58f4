/**
 * The Atom writer (server/views/atom.ts) on its own: what it escapes and what it takes out, down
 * to the characters HTTP tests cannot send (unpaired surrogates never survive a trip through
 * PostgreSQL), read back by a real XML parser.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderAtom, xmlText } from '../../server/views/atom';

describe('xmlText', () => {
  it('escapes markup and takes out what XML 1.0 forbids, keeping tab, line breaks and characters beyond the BMP', () => {
    expect(xmlText(`<a href="x">&'</a> ]]>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt; ]]&gt;');
    expect(xmlText('a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\u007Fh\u0085i\uFFFEj\uFFFFk')).toBe('abcdefghijk');
    expect(xmlText('tab\tline\ncr\r')).toBe('tab\tline\ncr\r');
    // Unpaired surrogates (a string cut in the middle of a pair) go; whole pairs stay.
    expect(xmlText('x\uD83Dy\uDE00z😀𠀀')).toBe('xyz😀𠀀');
    expect(xmlText('\uDE00\uD83D')).toBe('');
  });
});

describe('renderAtom', () => {
  it('writes a feed a parser reads back to the same text', () => {
    const hostile = 'a\u0001<b>]]>&\uD800';
    const xml = renderAtom({
      self: 'https://bbs.example.org/b/x/feed.xml?a=1&b=2',
      alternate: 'https://bbs.example.org/b/x',
      title: hostile,
      subtitle: '說明',
      lang: 'zh-Hant-TW',
      updated: new Date('2026-12-03T01:02:03.004Z'),
      author: { name: '跟帖論壇', uri: 'https://bbs.example.org/' },
      generator: '跟帖論壇',
      entries: [
        {
          id: 'https://bbs.example.org/t/1',
          title: hostile,
          link: 'https://bbs.example.org/t/1?at=2#p2',
          published: new Date('2026-12-01T00:00:00Z'),
          updated: new Date('2026-12-02T00:00:00Z'),
          author: { name: 'a"b' },
          summary: hostile,
          category: { term: 'x', label: '<版>' },
        },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-Hant-TW">')).toBe(
      true,
    );
    const parsed = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml) as {
      feed: {
        id: string;
        title: { '#text': string };
        link: { '@_href': string }[];
        entry: { title: { '#text': string }; summary: { '#text': string }; author: { name: string }; category: { '@_label': string } };
      };
    };
    expect(parsed.feed.id).toBe('https://bbs.example.org/b/x/feed.xml?a=1&b=2');
    expect(parsed.feed.link[0]!['@_href']).toBe('https://bbs.example.org/b/x/feed.xml?a=1&b=2');
    expect(parsed.feed.title['#text']).toBe('a<b>]]>&');
    expect(parsed.feed.entry.title['#text']).toBe('a<b>]]>&');
    expect(parsed.feed.entry.summary['#text']).toBe('a<b>]]>&');
    expect(parsed.feed.entry.author.name).toBe('a"b');
    expect(parsed.feed.entry.category['@_label']).toBe('<版>');
  });
});
