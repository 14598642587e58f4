import type { Kysely } from 'kysely';
import type { BodyFormat, Database, NotifyPrefs } from '../db/database';
import { type Member, SETTABLE_NOTIFICATION_KINDS, type SettableNotificationKind } from '../db/member';
import { isTimeZone } from '../config';
import { AppError } from '../errors';
import type { Limiter } from '../limits/limiter';
import { findUserById } from '../members/members.repository';
import { PASSWORD_MAX, verifyPassword } from '../members/passwords';
import { checkProfileLinks } from '../limits/new-member';
import { countLinks } from '../text/links';
import { findSettings, updatePreferences, updateProfile } from '../members/profile.repository';
import { utf8Bytes } from '../text/bytes';
import { detectVariant } from '../text/convert';
import { renderBody } from '../text/formats';
import type { SourceVariant } from '../variants';
import * as repo from './people.repository';

/**
 * A member's own settings (/settings): their profile, notification preferences and "last seen",
 * the download of their data, and the deletion of their account. Every function acts on the
 * member given, from their own session: nobody reads or changes another member's settings.
 */

/** Largest profile, in UTF-8 bytes, as written and as sanitized HTML. A longer one is refused, never cut. */
export const PROFILE_MAX_BYTES = 10_000;

/** What /settings shows and GET /api/me/settings answers. */
export interface Settings {
  /** Sanitized HTML, as the home page shows it. */
  profile: string;
  /** The profile as written (the form edits it), in `profileFormat`. */
  profileSource: string;
  profileFormat: BodyFormat;
  profileVariant: SourceVariant;
  hideLastSeen: boolean;
  /** The member's own time zone (their ban's end is shown in it); null: the site's. */
  timeZone: string | null;
  /** Each kind a member may turn off: true when on. */
  notify: Record<SettableNotificationKind, boolean>;
}

/** Each settable kind, on unless the member turned it off. */
const notifyFrom = (prefs: NotifyPrefs): Settings['notify'] =>
  Object.fromEntries(SETTABLE_NOTIFICATION_KINDS.map((k) => [k, prefs[k] !== false])) as Settings['notify'];

/** The member's own settings. */
export async function getSettings(db: Kysely<Database>, member: Member): Promise<Settings> {
  const row = await findSettings(db, member.id);
  return {
    profile: row.profile,
    // A profile written before formats, kept as HTML, is its own source.
    profileSource: row.profile_source ?? row.profile,
    profileFormat: row.profile_format,
    profileVariant: row.profile_variant,
    hideLastSeen: row.hide_last_seen,
    timeZone: row.time_zone,
    notify: notifyFrom(row.notify_prefs),
  };
}

/**
 * Renders the member's profile from what they wrote in `format` (as a post's body is rendered:
 * text, the forms' default, is what you typed; "a<b" stays "a<b") and stores both; an empty one
 * clears it. A new member's may hold no link (`isNew` is asked only when it does:
 * limits/new-member.ts).
 */
export async function saveProfile(
  db: Kysely<Database>,
  member: Member,
  input: string,
  format: BodyFormat,
  isNew: () => Promise<boolean>,
): Promise<void> {
  const { html: profile, source } = renderBody(format, input);
  if (countLinks(profile) > 0) checkProfileLinks(profile, await isNew());
  const bytes = Math.max(utf8Bytes(profile), utf8Bytes(source));
  if (bytes > PROFILE_MAX_BYTES) {
    throw new AppError(413, 'PayloadTooLarge', `The profile is ${bytes} bytes; the limit is ${PROFILE_MAX_BYTES}.`, {
      params: { what: 'profile', bytes, limit: PROFILE_MAX_BYTES },
    });
  }
  const variant = profile ? detectVariant(profile.replace(/<[^>]*>/g, ' ')) : 'other';
  await updateProfile(db, member.id, { html: profile, source, format }, variant);
}

/** A change of preferences: each part left out stays as it is. */
export interface PreferencesInput {
  hideLastSeen?: boolean;
  notify?: Partial<Record<SettableNotificationKind, boolean>>;
  /** An IANA time zone, or null (or '') for the site's. */
  timeZone?: string | null;
}

/**
 * A time zone as asked (undefined: unchanged; null or '': the site's) as it is stored: the zone as
 * Intl names it (so "utc" is stored as "UTC"); 400 UnknownTimeZone when Intl does not know it.
 */
export function zoneInput(zone: string | null | undefined): string | null | undefined {
  return zone === undefined ? undefined : zone ? canonicalZone(zone) : null;
}

function canonicalZone(zone: string): string {
  if (zone.length > 100 || !isTimeZone(zone)) {
    throw new AppError(400, 'UnknownTimeZone', `There is no time zone "${zone.slice(0, 100)}": use an IANA name such as Asia/Shanghai.`, {
      params: { zone: zone.slice(0, 100) },
    });
  }
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * Stores whether "last seen" is hidden and which notifications the member wants. Only the settable
 * kinds are kept (moderation notices cannot be turned off); a kind turned on is stored as absent.
 */
export async function savePreferences(db: Kysely<Database>, member: Member, input: PreferencesInput): Promise<void> {
  if (input.hideLastSeen === undefined && input.notify === undefined && input.timeZone === undefined) return;
  const timeZone = zoneInput(input.timeZone);
  let notifyPrefs: NotifyPrefs | undefined;
  if (input.notify) {
    const current = notifyFrom((await findSettings(db, member.id)).notify_prefs);
    const wanted = { ...current, ...input.notify };
    notifyPrefs = Object.fromEntries(SETTABLE_NOTIFICATION_KINDS.filter((k) => !wanted[k]).map((k) => [k, false]));
  }
  await updatePreferences(db, member.id, { hideLastSeen: input.hideLastSeen, notifyPrefs, timeZone });
}

/**
 * Deletes the member's account after checking their password (limited per member like a password
 * change, so a stolen session cannot guess it). The row and name stay; sessions end at once.
 */
export async function deleteAccount(db: Kysely<Database>, limiter: Limiter, member: Member, password: string): Promise<void> {
  await limiter.consume('password:member', member.id);
  const user = await findUserById(db, member.id);
  const ok = password.length <= PASSWORD_MAX && (await verifyPassword(user?.password_hash, password));
  if (!ok || !user || user.deleted_at) {
    throw new AppError(403, 'InvalidCredentials', 'password: is not your password.', { params: { which: 'currentPassword' } });
  }
  await limiter.reward('password:member', member.id);
  await db.transaction().execute((tx) => repo.deleteAccount(tx, member.id));
}

const EXPORT_BATCH = 500;

/** The rows `fetch` pages through (by id, after the last one), each as JSON, joined by commas: the inside of an array. */
async function* jsonItems<R extends { id: string }>(
  fetch: (after: string) => Promise<R[]>,
  present: (row: R) => unknown,
): AsyncGenerator<string> {
  let first = true;
  for (let after = '0'; ;) {
    const batch = await fetch(after);
    if (batch.length === 0) return;
    yield (first ? '' : ',') + batch.map((row) => JSON.stringify(present(row))).join(',');
    first = false;
    after = batch[batch.length - 1]!.id;
  }
}

/**
 * The member's data as one JSON document, in pieces small enough to stream (a long history is
 * never held in memory whole): who they are and their settings, every post they wrote (deleted
 * ones marked), and every 悄悄話 they sent or received and have not deleted.
 */
export async function* exportData(db: Kysely<Database>, member: Member): AsyncGenerator<string> {
  const settings = await getSettings(db, member);
  const head = {
    format: 'gentie-export/1',
    exportedAt: new Date().toISOString(),
    member: { name: member.name, role: member.role, ...settings },
  };
  yield `${JSON.stringify(head).slice(0, -1)},"posts":[`;
  yield* jsonItems(
    (after) => repo.findOwnPosts(db, member.id, after, EXPORT_BATCH),
    (p) => ({
      id: p.id,
      board: p.board,
      threadId: p.thread_id,
      parentId: p.parent_id,
      title: p.title,
      body: p.body,
      bytes: p.bytes,
      createdAt: p.created_at.toISOString(),
      editedAt: p.edited_at?.toISOString() ?? null,
      deleted: p.deleted_at !== null,
    }),
  );
  yield '],"messages":[';
  yield* jsonItems(
    (after) => repo.findOwnMessages(db, member.id, after, EXPORT_BATCH),
    (m) => ({
      id: m.id,
      conversationId: m.conversation_id,
      from: m.from,
      to: m.to,
      title: m.title,
      body: m.body,
      quotedPostId: m.quoted_post_id,
      createdAt: m.created_at.toISOString(),
      readAt: m.read_at?.toISOString() ?? null,
    }),
  );
  yield ']}';
}
