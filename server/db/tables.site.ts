// The tables of running the site: rate limits and paces, scheduled jobs, maintenance mode, the admins'
// audit log, stored settings and the glossaries.

import type { ColumnType } from 'kysely';
import type { GeneratedId, Id, NullableTimestamp, Timestamp } from './columns';

/** rate-limiter-flexible's counts (its RateLimiterPostgres layout); `expire` is epoch milliseconds. */
export interface RateLimitsTable {
  key: string;
  points: number;
  expire: ColumnType<string | null, string | number | null, string | number | null>;
}

/** A paced action's two windows for one member or address (migration 2026_12_04_050; limits/limiter.ts). */
export interface PaceCountsTable {
  key: string;
  burst_points: number;
  burst_expire: ColumnType<string, string | number, string | number>;
  burst_cap: ColumnType<string, string | number, string | number>;
  sustained_points: number;
  sustained_expire: ColumnType<string, string | number, string | number>;
  sustained_cap: ColumnType<string, string | number, string | number>;
}

/** A scheduled job's last run, shared by every process (server/jobs/). */
export interface JobsTable {
  name: string;
  last_started_at: NullableTimestamp;
  last_finished_at: NullableTimestamp;
  /** The last run's error message; null when it succeeded. */
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * Maintenance mode's one row (migration 2026_12_05_300): present while `gentie import` restores an
 * archive (or left behind by one that was killed); every process is read-only meanwhile.
 */
export interface MaintenanceTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  /** What holds the forum read-only: 'import' today. */
  reason: string;
  /** Which archive is being imported (its file name), for the operator's messages. */
  detail: ColumnType<string, string | undefined, string>;
  started_at: ColumnType<Date, Date | undefined, Date>;
}

/** A change an admin made to the site, with the thing before and after (migrations/2026_12_05_010_admin_audit.ts). */
export interface AdminAuditTable {
  id: GeneratedId;
  actor_id: Id | null;
  actor_name: string;
  action: string;
  subject: string;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  created_at: Timestamp;
}

/** A setting changed in the console or the CLI (migrations/2026_12_05_100_site_settings.ts): text as the environment writes it. */
export interface SiteSettingsTable {
  name: string;
  value: string;
  updated_at: Timestamp;
  updated_by: Id | null;
}

/** A glossary (migrations/2026_12_06_100_glossaries.ts): 'site' or a board's, its terms and version. */
export interface GlossariesTable {
  scope: string;
  board_id: Id | null;
  version: ColumnType<number, number | undefined, number>;
  terms: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

/** Every state a glossary was in, for its history page and reverts. */
export interface GlossaryHistoryTable {
  id: GeneratedId;
  scope: string;
  version: number;
  action: string;
  detail: ColumnType<string, string | undefined, string>;
  terms: ColumnType<unknown, string, never>;
  actor_id: Id | null;
  actor_name: string;
  created_at: Timestamp;
}

/** A reader's report of a wrong conversion on a post, in the board's glossary queue until resolved. */
export interface GlossaryFlagsTable {
  id: GeneratedId;
  board_id: Id;
  post_id: Id;
  reporter_id: Id | null;
  variant: string;
  wrong: string;
  fixed: string;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
  resolved_by: Id | null;
  outcome: 'accepted' | 'dismissed' | null;
}
