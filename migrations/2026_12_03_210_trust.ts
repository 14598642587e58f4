import { type Kysely, sql } from 'kysely';

/**
 * Trust levels (issue 14): how a member's newness is decided. 'auto' (everyone at first) follows
 * the thresholds (account age and accepted posts, server/limits/new-member.ts); an admin may set
 * 'trusted' (never new) or 'untrusted' (always new) by hand (`member:trust`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('trust', 'text', (c) =>
      c
        .notNull()
        .defaultTo('auto')
        .check(sql`trust in ('auto', 'trusted', 'untrusted')`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('trust').execute();
}
