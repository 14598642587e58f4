// The tables of members' accounts: the member, their sessions and sign-ins, single-use tokens, invites,
// and whom they follow or ignore.

import type { ColumnType } from 'kysely';
import type { SourceVariant, Variant } from '../variants';
import type { GeneratedId, Id, NullableTimestamp, Timestamp } from './columns';
import type { NotifyPrefs } from './tables.messages';
import type { BodyFormat } from './tables.posts';

/** A member's role across the site (users.role). */
export type SiteRole = 'member' | 'moderator' | 'admin';

export interface UsersTable {
  id: GeneratedId;
  name: string;
  name_key: string;
  /** The confusable key (members/names.ts nameSkeleton); null until start-up computes it. */
  name_skeleton: ColumnType<string | null, string | null | undefined, string | null>;
  password_hash: string;
  role: ColumnType<SiteRole, SiteRole | undefined, SiteRole>;
  created_at: Timestamp;
  /** The member's own words on their home page (sanitized HTML), and the script they are in. */
  profile: ColumnType<string, string | undefined, string>;
  profile_variant: ColumnType<SourceVariant, SourceVariant | undefined, SourceVariant>;
  /** The profile as written, and its format (migration 2026_12_05_501); null: the profile is its own source. */
  profile_format: ColumnType<BodyFormat, BodyFormat | undefined, BodyFormat>;
  profile_source: ColumnType<string | null, string | null | undefined, string | null>;
  /** The member's avatar: an upload (its 256-pixel square); null shows the default drawn from the name. */
  avatar_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** The day the member was last seen (shown unless hide_last_seen). */
  last_seen_on: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  hide_last_seen: ColumnType<boolean, boolean | undefined, boolean>;
  /** The member's own time zone (IANA name) for their ban's end; null: the site's (TZ_DISPLAY). */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  /** Notification kinds the member turned off ({ kind: false }); absent = on. */
  notify_prefs: ColumnType<NotifyPrefs, NotifyPrefs | string | undefined, NotifyPrefs | string>;
  /** A deleted account: the row (and its name) stays. */
  deleted_at: NullableTimestamp;
  email: ColumnType<string | null, string | null | undefined, string | null>;
  email_verified_at: NullableTimestamp;
  /** A daily email of unread notifications (with a verified address only). */
  digest: ColumnType<boolean, boolean | undefined, boolean>;
  digest_sent_at: NullableTimestamp;
  /** The script the member's emails are written in: the variant they last used on an email page (null = traditional). */
  mail_variant: ColumnType<Variant | null, Variant | null | undefined, Variant | null>;
  /** How newness is decided: by the thresholds ('auto'), or by an admin's hand (server/limits/new-member.ts). */
  trust: ColumnType<MemberTrust, MemberTrust | undefined, MemberTrust>;
}

/** A member's trust setting: 'auto' follows the thresholds; 'trusted' is never new, 'untrusted' always. */
export type MemberTrust = 'auto' | 'trusted' | 'untrusted';

export interface SessionsTable {
  id: GeneratedId;
  token_hash: Buffer;
  user_id: Id;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  address: ColumnType<string, string | undefined, string>;
  user_agent: ColumnType<string, string | undefined, string>;
}

/** One successful sign-in, kept 90 days: the member's history and their known addresses. */
export interface SignInsTable {
  id: GeneratedId;
  user_id: Id;
  address: string;
  /** IPv4 whole, IPv6 its /64. */
  address_key: string;
  user_agent: ColumnType<string, string | undefined, string>;
  /** SHA-256 of the browser's device cookie. */
  device_hash: Buffer | null;
  at: Timestamp;
}

/** What a single-use token is for. */
export type TokenPurpose = 'verify-email' | 'reset-password' | 'unsubscribe' | 'admin-link';

/** A single-use, expiring token: only its SHA-256 is kept. */
export interface TokensTable {
  id: GeneratedId;
  token_hash: Buffer;
  purpose: TokenPurpose;
  user_id: Id;
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

/** An invite link an admin issued: only its token's SHA-256 is kept. max_uses null: until it expires. */
export interface InvitesTable {
  id: GeneratedId;
  token_hash: Buffer;
  created_by: Id | null;
  created_by_name: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  max_uses: number | null;
  uses: ColumnType<number, number | undefined, number>;
  revoked_at: NullableTimestamp;
}

export interface FollowsTable {
  follower_id: Id;
  followee_id: Id;
  created_at: Timestamp;
}

export interface IgnoresTable {
  member_id: Id;
  ignored_id: Id;
  created_at: Timestamp;
}
