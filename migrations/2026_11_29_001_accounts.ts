import { type Kysely, sql } from 'kysely';

/**
 * Accounts: the shared rate limiter's table, the sign-in history, and what a member is shown about
 * each of their sessions. The old login_failures table goes: the rate limiter counts failures now.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // rate-limiter-flexible's RateLimiterPostgres layout, created here (the limiter is told
  // tableCreated) so start-up never races several processes creating it. `expire` is epoch ms.
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limits_expire_idx').on('rate_limits').column('expire').execute();

  // One row per successful sign-in, kept 90 days: the member's history and their known addresses.
  await db.schema
    .createTable('sign_ins')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    // The address as throttling sees it: IPv4 whole, IPv6 its /64.
    .addColumn('address_key', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    // SHA-256 of the browser's device cookie, when it sent one.
    .addColumn('device_hash', 'bytea')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sign_ins_user_at_idx').on('sign_ins').columns(['user_id', 'at']).execute();
  await db.schema.createIndex('sign_ins_user_address_idx').on('sign_ins').columns(['user_id', 'address_key']).execute();
  await db.schema.createIndex('sign_ins_at_idx').on('sign_ins').column('at').execute();

  await db.schema
    .alterTable('sessions')
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await db.schema.dropTable('login_failures').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('login_failures_name_idx').on('login_failures').columns(['name_key', 'at']).execute();
  await db.schema.createIndex('login_failures_address_idx').on('login_failures').columns(['address', 'at']).execute();
  await db.schema.alterTable('sessions').dropColumn('last_seen_at').dropColumn('address').dropColumn('user_agent').execute();
  await db.schema.dropTable('sign_ins').execute();
  await db.schema.dropTable('rate_limits').execute();
}
