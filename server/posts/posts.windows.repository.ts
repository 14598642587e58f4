import type { Db, ThreadRow } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { type PostWithAuthorRow, withAuthor } from './posts.repository';

/** A thread's state as a window reads it (posts.repository findThreadState's columns). */
export type WindowThreadState = Omit<ThreadRow, 'featured_at'>;

/** The board a thread page links to (posts.repository findBoard's shape). */
export interface WindowBoard {
  id: string;
  slug: string;
  name: string;
  description: string;
  archivedAt: Date | null;
}

/**
 * The post a window is of, its thread's state and its board, in one statement: a thread page built
 * anew sent three (issue 17's soak). The state is undefined when the thread has no state row.
 */
export async function findWindowHead(
  db: Db,
  id: string,
): Promise<{ row: PostWithAuthorRow; state: WindowThreadState | undefined; board: WindowBoard } | undefined> {
  const [head] = await preparedQuery(db, 'window_head', windowHeadQuery(db, { id }));
  if (!head) return undefined;
  const {
    state_thread_id,
    state_board_id,
    state_reply_count,
    state_last_activity_at,
    state_seq,
    state_locked,
    state_pinned,
    state_featured,
    state_read_count,
    state_slow_mode_seconds,
    board_slug,
    board_name,
    board_description,
    board_archived_at,
    ...row
  } = head;
  const state =
    state_thread_id === null
      ? undefined
      : {
          thread_id: state_thread_id,
          board_id: state_board_id!,
          reply_count: state_reply_count!,
          last_activity_at: state_last_activity_at!,
          seq: state_seq!,
          locked: state_locked!,
          pinned: state_pinned!,
          featured: state_featured!,
          read_count: state_read_count!,
          slow_mode_seconds: state_slow_mode_seconds!,
        };
  const board = { id: row.board_id, slug: board_slug, name: board_name, description: board_description, archivedAt: board_archived_at };
  return { row, state, board };
}

const windowHeadQuery = builtOnce((db: Db, v: { id: string }) =>
  withAuthor(db.selectFrom('posts'))
    .innerJoin('boards', 'boards.id', 'posts.board_id')
    .leftJoin('threads', 'threads.thread_id', 'posts.thread_id')
    .select([
      'threads.thread_id as state_thread_id',
      'threads.board_id as state_board_id',
      'threads.reply_count as state_reply_count',
      'threads.last_activity_at as state_last_activity_at',
      'threads.seq as state_seq',
      'threads.locked as state_locked',
      'threads.pinned as state_pinned',
      'threads.featured as state_featured',
      'threads.read_count as state_read_count',
      'threads.slow_mode_seconds as state_slow_mode_seconds',
      'boards.slug as board_slug',
      'boards.name as board_name',
      'boards.description as board_description',
      'boards.archived_at as board_archived_at',
    ])
    .where('posts.id', '=', v.id),
);
