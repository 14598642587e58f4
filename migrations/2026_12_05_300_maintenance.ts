import { type Kysely, sql } from 'kysely';

/**
 * Maintenance mode (issue 17, backup and restore): while `gentie import` restores an archive, the
 * forum is read-only on every process. The import writes this table's one row before it starts
 * (committed on its own, so every process sees it while the import's own transaction is still
 * open) and deletes it when it ends. A row left behind by an import that was killed says so: the
 * next start and the next import read it and tell the operator that the database holds none of
 * the archive.
 *
 * The table is never exported: it describes this database, not the forum.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('maintenance')
    // One row at most: the key can only be true.
    .addColumn('id', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`id`),
    )
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('maintenance').execute();
}
