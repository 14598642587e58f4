import { checkName, checkNewName, isInvisibleName, nameKey, nameSkeleton } from '../../server/members/names';

describe('checkName', () => {
  it.each(['霧蒙蒙雨霏霏', 'Lisland_2013', '山丘上的风', 'north-wind.7', 'José', 'Ωmega'])('accepts %s', (name) => {
    expect(checkName(name)).toEqual({ ok: true, name, key: name.toLowerCase() });
  });

  it('normalizes to NFKC: full-width letters and digits become ASCII', () => {
    expect(checkName('Ｌｉｓｌａｎｄ＿２０１３')).toMatchObject({ ok: true, name: 'Lisland_2013' });
  });

  it('composes decomposed accents (NFKC)', () => {
    expect(checkName('Jose\u0301')).toMatchObject({ ok: true, name: 'José' });
  });

  it('trims surrounding spaces', () => {
    expect(checkName('  霧蒙蒙  ')).toMatchObject({ ok: true, name: '霧蒙蒙' });
  });

  it.each([
    ['a zero-width space', 'ab\u200bcd'],
    ['a zero-width joiner', 'ab\u200dcd'],
    ['a right-to-left override', 'ad\u202emin'],
    ['a bidi isolate', '\u2066admin\u2069'],
    ['a left-to-right mark', 'admin\u200e'],
    ['a control character', 'ab\u0007cd'],
    ['a newline', 'ab\ncd'],
    ['a byte order mark', '\ufeffadmin'],
  ])('refuses %s', (_what, name) => {
    const result = checkName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/control, zero-width or text-direction/);
  });

  it.each([
    ['too short', 'a'],
    ['too long', 'x'.repeat(25)],
    ['inner spaces', 'two words'],
    ['punctuation', 'hi!'],
    ['markup', '<b>x</b>'],
    ['SQL', "x'; drop table users;--"],
    ['leading underscore', '_admin'],
    ['empty', ''],
  ])('refuses %s', (_what, name) => {
    expect(checkName(name).ok).toBe(false);
  });
});

describe('nameKey', () => {
  it('ignores case and width', () => {
    expect(nameKey('Lisland_2013')).toBe(nameKey('LISLAND_2013'));
    expect(nameKey('Ｌｉｓｌａｎｄ_2013')).toBe(nameKey('lisland_2013'));
  });

  it('keeps traditional and simplified names distinct', () => {
    expect(nameKey('霧蒙蒙')).not.toBe(nameKey('雾蒙蒙'));
  });
});

describe('nameSkeleton', () => {
  it.each([
    ['Cyrillic а', 'аdmin1', 'admin1'],
    ['Greek ο', 'mοd1', 'mod1'],
    ['Cyrillic capitals', 'АDМIN', 'ADMIN'],
    ['capital I for l', 'paypaI', 'paypal'],
    ['Cyrillic і', 'twіn', 'twin'],
    ['Lisu ꓮ', 'ꓮdmin', 'admin'],
    ['full-width letters', 'ａｄｍｉｎ', 'admin'],
    ['rn for m', 'rnod_team', 'mod_team'],
    ['1 for l', 'paul1', 'paull'],
    ['0 for O', 'b0b', 'bob'],
    ['German sharp s', 'straße', 'strasse'],
    ['simplified and traditional', '張三', '张三'],
    ['simplified and traditional, longer', '霧蒙蒙雨霏霏', '雾蒙蒙雨霏霏'],
    ['Taiwan and mainland forms', '臺灣阿里', '台湾阿里'],
    ['Hong Kong and Taiwan forms', '裏仁', '裡仁'],
    ['katakana ロ for 口', '口水', 'ロ水'],
  ])('makes lookalikes collide: %s', (_what, a, b) => {
    expect(nameSkeleton(a)).toBe(nameSkeleton(b));
  });

  it.each([
    ['different letters', 'alice', 'alina'],
    ['different characters', '张三', '张四'],
    ['different digits', 'user12', 'user13'],
  ])('keeps different names apart: %s', (_what, a, b) => {
    expect(nameSkeleton(a)).not.toBe(nameSkeleton(b));
  });

  it('is at most a few hundred bytes for the longest names (it is indexed)', () => {
    expect(Buffer.byteLength(nameSkeleton('ﷺ'.repeat(24)))).toBeLessThan(2000);
  });
});

describe('checkNewName', () => {
  it.each([
    ['Hangul fillers (U+3164)', '\u3164\u3164'],
    ['Hangul jungseong fillers (U+1160)', '\u1160\u1160'],
    ['half-width Hangul fillers (U+FFA0)', '\uffa0\uffa0'],
    ['a Hangul choseong filler inside a name', 'ad\u115fmin'],
    ['a filler after a name', 'admin\u3164'],
    ['a combining grapheme joiner', 'ad\u034fmin'],
    ['a variation selector', 'admin\ufe0f'],
    ['a Mongolian free variation selector', 'admin\u180b'],
  ])('refuses %s', (_what, name) => {
    const result = checkNewName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/invisible/);
  });

  it('gives the skeleton with the name and key', () => {
    expect(checkNewName('張三')).toEqual({ ok: true, name: '張三', key: '張三', skeleton: nameSkeleton('张三') });
  });

  it('still lets checkName (logins, profiles) take names kept from before the rule', () => {
    expect(checkName('\u3164\u3164').ok).toBe(true);
    expect(isInvisibleName('\u3164\u3164')).toBe(true);
    expect(isInvisibleName('霧蒙蒙')).toBe(false);
  });
});
