// The column types the table files share: what kysely reads, inserts and updates for ids and times.

import type { ColumnType } from 'kysely';

/** bigint columns come back from pg as strings (they may exceed 2^53); we keep ids as strings. */
export type Id = ColumnType<string, string | number | bigint, string | number | bigint>;
/** An id the database makes (identity or serial): never written on insert or update. */
export type GeneratedId = ColumnType<string, string | number | bigint | undefined, never>;
/** A timestamptz column with a default: read as a Date, written as a Date or ISO text. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamptz column that may be null. */
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
