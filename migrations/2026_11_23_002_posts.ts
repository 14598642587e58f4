import { type Kysely, sql } from 'kysely';

/**
 * Threads and follow-ups. Every post, root or reply, is one row of `posts`; `path` holds the ids
 * from the root down to the post, so ORDER BY path within a thread is the display order
 * (depth-first, siblings oldest first) and a subtree is one contiguous range of the
 * (thread_id, path) index. Thread state lives in `threads`, one row per root.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('posts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'bigint', (c) => c.notNull().references('boards.id'))
    .addColumn('thread_id', 'bigint', (c) => c.notNull().references('posts.id'))
    .addColumn('parent_id', 'bigint', (c) => c.references('posts.id'))
    .addColumn('path', sql`bigint[]`, (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    // The script the post was written in (zh-hans, zh-hant, zh-tw, zh-hk, mixed, other).
    .addColumn('variant', 'text', (c) => c.notNull().defaultTo('other'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('edited_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('edited_role', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('deleted_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('deleted_role', 'text')
    .addCheckConstraint('posts_depth_matches_path', sql`depth = cardinality(path) - 1`)
    .addCheckConstraint('posts_root_is_own_thread', sql`(parent_id is null) = (id = thread_id)`)
    .execute();
  await db.schema.createIndex('posts_thread_path_idx').on('posts').columns(['thread_id', 'path']).execute();
  await db.schema.createIndex('posts_author_idx').on('posts').columns(['author_id', 'id']).execute();

  await db.schema
    .createTable('threads')
    .addColumn('thread_id', 'bigint', (c) => c.primaryKey().references('posts.id'))
    .addColumn('board_id', 'bigint', (c) => c.notNull().references('boards.id'))
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_activity_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The seq of the newest thread_events row: the thread's event counter.
    .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('locked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('pinned', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('featured', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex('threads_board_activity_idx')
    .on('threads')
    .columns(['board_id', 'pinned desc', 'last_activity_at desc', 'thread_id desc'])
    .execute();

  await db.schema
    .createTable('thread_events')
    .addColumn('thread_id', 'bigint', (c) => c.notNull().references('threads.thread_id'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('thread_events_pk', ['thread_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['thread_events', 'threads', 'posts']) {
    await db.schema.dropTable(table).execute();
  }
}
