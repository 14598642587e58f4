import { sql } from 'kysely';
import type { Db } from '../db/database';

/**
 * The channel a change to the search index that no thread event names is announced on
 * (search:reindex's batches): every process's realtime hub LISTENs on it and forgets the searches
 * it kept (caches.ts SearchHits).
 */
export const SEARCH_INDEX_CHANNEL = 'gentie_search_index';

/** Tells every process the search index changed under posts no thread event names (NOTIFY: on commit). */
export async function announceIndexChanged(db: Db): Promise<void> {
  await sql`select pg_notify(${SEARCH_INDEX_CHANNEL}, '')`.execute(db);
}
