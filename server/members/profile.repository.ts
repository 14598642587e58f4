import { sql } from 'kysely';
import type { BodyFormat, Db, NotifyPrefs } from '../db/database';
import type { SourceVariant } from '../variants';

/**
 * A member's home-page profile and own preferences (users.profile, hide_last_seen, notify_prefs,
 * last_seen_on, deleted_at). SQL only; the rules are in people/.
 */

/** A member as their home page shows them; `last_seen_on` as 'YYYY-MM-DD' (a day, no zone). */
export function findMemberHome(db: Db, nameKey: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'name',
      'role',
      'created_at',
      'profile',
      'profile_variant',
      'hide_last_seen',
      'deleted_at',
      // A date column would come back as a Date at local midnight; the day itself is what is shown.
      sql<string | null>`to_char(last_seen_on, 'YYYY-MM-DD')`.as('last_seen_on'),
    ])
    .where('name_key', '=', nameKey)
    .executeTakeFirst();
}

/** A member's own settings, as /settings shows them. */
export function findSettings(db: Db, memberId: string) {
  return db
    .selectFrom('users')
    .select(['profile', 'profile_source', 'profile_format', 'profile_variant', 'hide_last_seen', 'notify_prefs', 'time_zone'])
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow();
}

/** Replaces the member's profile (sanitized HTML, and as written in its format) and the script it is written in. */
export function updateProfile(
  db: Db,
  memberId: string,
  profile: { html: string; source: string; format: BodyFormat },
  variant: SourceVariant,
) {
  return db
    .updateTable('users')
    .set({ profile: profile.html, profile_source: profile.source, profile_format: profile.format, profile_variant: variant })
    .where('id', '=', memberId)
    .execute();
}

/** Sets whether "last seen" is hidden, which notification kinds are turned off and the member's time zone. */
export function updatePreferences(
  db: Db,
  memberId: string,
  prefs: { hideLastSeen?: boolean; notifyPrefs?: NotifyPrefs; timeZone?: string | null },
) {
  return db
    .updateTable('users')
    .$if(prefs.hideLastSeen !== undefined, (q) => q.set({ hide_last_seen: prefs.hideLastSeen! }))
    .$if(prefs.notifyPrefs !== undefined, (q) => q.set({ notify_prefs: JSON.stringify(prefs.notifyPrefs) }))
    .$if(prefs.timeZone !== undefined, (q) => q.set({ time_zone: prefs.timeZone! }))
    .where('id', '=', memberId)
    .execute();
}
