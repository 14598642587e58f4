import { type Kysely, sql } from 'kysely';

/**
 * A board's review setting (issue 14, the review queue): which posts wait for a moderator before
 * anyone else sees them. 'off' (every board at first): none; 'new': every post by a new member;
 * 'links': a new member's posts with a link to another site. Set by the operator
 * (`board:set <slug> --review`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('boards')
    .addColumn('review', 'text', (c) =>
      c
        .notNull()
        .defaultTo('off')
        .check(sql`review in ('off', 'new', 'links')`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('boards').dropColumn('review').execute();
}
