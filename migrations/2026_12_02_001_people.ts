import { type Kysely, sql } from 'kysely';

/**
 * The people side of the forum (issue 12): 悄悄話 (private messages, kept per pair of members),
 * their reports, notifications, following, ignoring, muted threads, a member's profile and
 * preferences, email, and single-use tokens (email verification, password reset, unsubscribe).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    // The member's own words on their home page (sanitized HTML), and the script they are in.
    .addColumn('profile', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('profile_variant', 'text', (c) => c.notNull().defaultTo('other'))
    // The day (only) the member was last seen; shown unless they hide it.
    .addColumn('last_seen_on', 'date')
    .addColumn('hide_last_seen', 'boolean', (c) => c.notNull().defaultTo(false))
    // Which notifications the member wants: { [kind]: false } turns one off (absent = on).
    .addColumn('notify_prefs', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // A deleted account: the row stays (its name stays reserved, its posts keep an author).
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('email', 'text')
    .addColumn('email_verified_at', 'timestamptz')
    // A daily email of unread notifications (only with a verified address).
    .addColumn('digest', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('digest_sent_at', 'timestamptz')
    .execute();
  // One verified address per account, and an address verified by one account only.
  await sql`create unique index users_email_verified_idx on users (lower(email)) where email_verified_at is not null`.execute(db);

  // One conversation per pair of members: member_low < member_high.
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('member_low', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('member_high', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('conversations_pair_key', ['member_low', 'member_high'])
    .addCheckConstraint('conversations_pair_order', sql`member_low < member_high`)
    .execute();
  await db.schema.createIndex('conversations_high_idx').on('conversations').column('member_high').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('sender_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('recipient_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('variant', 'text', (c) => c.notNull().defaultTo('other'))
    // The post the message was written from, quoted as a link back to it.
    .addColumn('quoted_post_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The recipient's read mark.
    .addColumn('read_at', 'timestamptz')
    // Each side deletes only its own copy.
    .addColumn('sender_deleted_at', 'timestamptz')
    .addColumn('recipient_deleted_at', 'timestamptz')
    .execute();
  await sql`create index messages_inbox_idx on messages (recipient_id, id desc) where recipient_deleted_at is null`.execute(db);
  await sql`create index messages_sent_idx on messages (sender_id, id desc) where sender_deleted_at is null`.execute(db);
  await sql`create index messages_conversation_idx on messages (conversation_id, id desc)`.execute(db);
  await sql`create index messages_unread_idx on messages (recipient_id) where read_at is null and recipient_deleted_at is null`.execute(db);

  // A member's report of a message sent to them; admins read the message through the report.
  await db.schema
    .createTable('message_reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('message_id', 'bigint', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('reporter_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('resolution', 'text')
    .addUniqueConstraint('message_reports_once', ['message_id', 'reporter_id'])
    .execute();
  await sql`create index message_reports_open_idx on message_reports (created_at) where resolved_at is null`.execute(db);
  // Each time an admin opened a reported message: who, which report, when.
  await db.schema
    .createTable('message_report_reads')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('report_id', 'bigint', (c) => c.notNull().references('message_reports.id').onDelete('cascade'))
    .addColumn('admin_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // Who did it (null for the system), and where.
    .addColumn('actor_id', 'bigint', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('thread_id', 'bigint')
    .addColumn('post_id', 'bigint')
    // What the kind needs beyond that (a ban's reason and end, a report's outcome…).
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .execute();
  await sql`create index notifications_member_idx on notifications (member_id, id desc)`.execute(db);
  await sql`create index notifications_unread_idx on notifications (member_id) where read_at is null`.execute(db);
  // A mention notifies once per post, however often the post is edited.
  await sql`create unique index notifications_mention_once on notifications (member_id, post_id) where kind = 'mention'`.execute(db);

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followee_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('follows_pkey', ['follower_id', 'followee_id'])
    .execute();
  await db.schema.createIndex('follows_followee_idx').on('follows').column('followee_id').execute();

  await db.schema
    .createTable('ignores')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ignored_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ignores_pkey', ['member_id', 'ignored_id'])
    .execute();
  await db.schema.createIndex('ignores_ignored_idx').on('ignores').column('ignored_id').execute();

  await db.schema
    .createTable('thread_mutes')
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('thread_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('thread_mutes_pkey', ['member_id', 'thread_id'])
    .execute();
  await db.schema.createIndex('thread_mutes_thread_idx').on('thread_mutes').column('thread_id').execute();

  // Single-use, expiring tokens sent by email or shown once: only their SHA-256 is kept.
  await db.schema
    .createTable('tokens')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // What the token is for beyond its purpose (the address to verify…).
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('tokens_user_purpose_idx').on('tokens').columns(['user_id', 'purpose']).execute();
  await db.schema.createIndex('tokens_expires_idx').on('tokens').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'tokens',
    'thread_mutes',
    'ignores',
    'follows',
    'notifications',
    'message_report_reads',
    'message_reports',
    'messages',
    'conversations',
  ])
    await db.schema.dropTable(table).execute();
  await sql`drop index users_email_verified_idx`.execute(db);
  await db.schema
    .alterTable('users')
    .dropColumn('profile')
    .dropColumn('profile_variant')
    .dropColumn('last_seen_on')
    .dropColumn('hide_last_seen')
    .dropColumn('notify_prefs')
    .dropColumn('deleted_at')
    .dropColumn('email')
    .dropColumn('email_verified_at')
    .dropColumn('digest')
    .dropColumn('digest_sent_at')
    .execute();
}
