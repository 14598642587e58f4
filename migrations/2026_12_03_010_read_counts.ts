import { type Kysely, sql } from 'kysely';

/**
 * Read counts (server/reads/): how many times each thread was read, as the source boards show
 * "(N reads)".
 *
 * - threads.read_count: the count itself, on the row every thread page and board index already
 *   reads, so showing it costs no query. Processes add to it in batches, never per page view.
 * - thread_views: who was last counted reading a thread, and when, so a reader counts at most once
 *   an hour across every process. `reader` is a keyed hash (never a member id or an address as
 *   such); rows older than two hours are pruned hourly (read_at's index).
 * - read_key: the one key those hashes are made with, shared by every process and made here from
 *   PostgreSQL's strong random source (gen_random_uuid, PostgreSQL 13 and later): without it, a
 *   hash of an address could be found by trying every IPv4 address.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('threads')
    .addColumn('read_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('thread_views')
    .addColumn('thread_id', 'bigint', (c) => c.notNull().references('threads.thread_id').onDelete('cascade'))
    .addColumn('reader', 'bytea', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('thread_views_pk', ['thread_id', 'reader'])
    .execute();
  await db.schema.createIndex('thread_views_read_at_idx').on('thread_views').column('read_at').execute();
  await db.schema
    .createTable('read_key')
    // One row: the primary key on a constant column keeps it so.
    .addColumn('id', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`id`),
    )
    .addColumn('key', 'bytea', (c) => c.notNull())
    .execute();
  await sql`insert into read_key (key) values (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('read_key').execute();
  await db.schema.dropTable('thread_views').execute();
  await db.schema.alterTable('threads').dropColumn('read_count').execute();
}
