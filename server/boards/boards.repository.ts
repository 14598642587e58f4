import { sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';

/** Boards and their moderators: SQL only. */

/** Every board in the console's order (position, then creation); `archived` false leaves archived boards out. */
export function listBoards(db: Db, options: { archived: boolean } = { archived: false }) {
  return preparedQuery(db, 'boards', boardsQuery(db, {}, options.archived));
}

const boardsQuery = builtOnce((db: Db, _: Record<string, never>, archived: boolean) =>
  db
    .selectFrom('boards')
    .leftJoin('threads', 'threads.board_id', 'boards.id')
    .select([
      'boards.id',
      'boards.slug',
      'boards.name',
      'boards.description',
      'boards.position',
      'boards.archived_at',
      sql<string>`count(threads.thread_id)`.as('thread_count'),
      sql<string>`coalesce(sum(threads.reply_count), 0)`.as('reply_count'),
      sql<Date | null>`max(threads.last_activity_at)`.as('last_activity_at'),
    ])
    .$if(!archived, (q) => q.where('boards.archived_at', 'is', null))
    .groupBy('boards.id')
    .orderBy('boards.position')
    .orderBy('boards.id'),
);

export async function findBoardBySlug(db: Db, slug: string) {
  return (await preparedQuery(db, 'board_by_slug', boardBySlugQuery(db, { slug })))[0];
}

const boardBySlugQuery = builtOnce((db: Db, v: { slug: string }) =>
  db
    .selectFrom('boards')
    .select(['id', 'slug', 'name', 'description', 'public_bans as publicBans', 'review', 'archived_at as archivedAt'])
    .where('slug', '=', v.slug),
);

/** A board's slug and whether it is archived, by id (the board of a post being changed: it exists). */
export function findBoardState(db: Db, id: string) {
  return db.selectFrom('boards').select(['slug', 'archived_at']).where('id', '=', id).executeTakeFirstOrThrow();
}

export function insertBoard(db: Db, board: { slug: string; name: string; description?: string }) {
  return (
    db
      .insertInto('boards')
      // A new board comes last.
      .values({
        slug: board.slug,
        name: board.name,
        description: board.description ?? '',
        position: sql<number>`(select coalesce(max(position), 0) + 1 from boards)`,
      })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning(['id', 'slug', 'name', 'description', 'public_bans as publicBans', 'review', 'archived_at as archivedAt'])
      .executeTakeFirst()
  );
}

export function insertModerator(db: Db, boardId: string, userId: string) {
  return db
    .insertInto('board_moderators')
    .values({ board_id: boardId, user_id: userId })
    .onConflict((oc) => oc.columns(['board_id', 'user_id']).doNothing())
    .execute();
}

export async function countBoards(db: Db): Promise<number> {
  const row = await db
    .selectFrom('boards')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Shows or hides a board's bans (/b/:slug/bans); false when there is no such board. */
export async function setPublicBans(db: Db, slug: string, on: boolean): Promise<boolean> {
  const result = await db.updateTable('boards').set({ public_bans: on }).where('slug', '=', slug).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
