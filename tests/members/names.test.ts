import { checkName, nameKey } from '../../server/members/names';

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
