import { type Messages, hans, hant } from '../../server/views/messages';

// The catalogs keyed by a union (site roles, who deleted a post, moderation log actions) must word
// every member of it, in both scripts: a missing key fails the build. The @ts-expect-error lines
// show it (and fail the type check themselves if a missing key ever stops being refused).

describe('the catalogs keyed by a union', () => {
  it('refuse at build time a catalog that lacks one of the keys', () => {
    const { admin: _admin, ...noAdmin } = hans.roles;
    const { 'lift-ban': _liftBan, ...noLiftBan } = hant.logAction;
    // @ts-expect-error -- roles without 'admin'
    const withoutAdmin: Messages = { ...hans, roles: noAdmin };
    // @ts-expect-error -- log actions without 'lift-ban'
    const withoutLiftBan: Messages = { ...hant, logAction: noLiftBan };
    expect(Object.keys(withoutAdmin.roles)).not.toContain('admin');
    expect(Object.keys(withoutLiftBan.logAction)).not.toContain('lift-ban');
  });

  it('word the same keys in traditional and simplified Chinese', () => {
    for (const part of ['roles', 'deletedBy', 'logAction'] as const) {
      expect(Object.keys(hans[part]).sort()).toEqual(Object.keys(hant[part]).sort());
      for (const t of [hant, hans]) for (const words of Object.values(t[part])) expect(words).toMatch(/\p{Script=Han}/u);
    }
  });
});
