import type { Kysely } from 'kysely';
import type { BoardReview, Database, Db } from '../db/database';
import { AppError, notFound, validationFailed } from '../errors';
import { hasHiddenCharacters } from '../text/title';
import * as repo from './boards.repository';

/** A board as pages and the API show it. */
export interface Board {
  id: string;
  slug: string;
  name: string;
  description: string;
  /** The board shows its current bans at /b/:slug/bans. */
  publicBans?: boolean;
  /** Which posts wait for a moderator's review (the review queue, /b/:slug/queue). */
  review?: BoardReview;
  /** When the board was archived (read-only, left out of site-wide lists); null when it is open. */
  archivedAt?: Date | null;
}

export interface BoardSummary extends Board {
  position: number;
  threadCount: number;
  replyCount: number;
  lastActivityAt: Date | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const BOARD_NAME_MAX = 60;
export const BOARD_DESCRIPTION_MAX = 500;

/** The boards, with counts, in the admins' order; archived ones only when asked for (the console). */
export async function listBoards(db: Kysely<Database>, options: { archived: boolean } = { archived: false }): Promise<BoardSummary[]> {
  const rows = await repo.listBoards(db, options);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    position: r.position,
    archivedAt: r.archived_at,
    threadCount: Number(r.thread_count),
    replyCount: Number(r.reply_count),
    lastActivityAt: r.last_activity_at,
  }));
}

/** The board with this slug, or a 404. */
export async function getBoard(db: Kysely<Database>, slug: string): Promise<Board> {
  const board = SLUG.test(slug) ? await repo.findBoardBySlug(db, slug) : undefined;
  if (!board) throw notFound('BoardNotFound', `There is no board "${slug}".`, { params: { slug } });
  return board;
}

/** The review settings a board may take, as `board:set --review` names them. */
export const BOARD_REVIEWS: readonly BoardReview[] = ['new', 'links', 'off'];

/**
 * Sets which posts of a board wait for review, as the operator does it (the CLI's `board:set`):
 * unlogged. Moderators set it from the board page (moderation/moderation.queue.ts), logged.
 */
export async function setBoardReview(db: Kysely<Database>, slug: string, review: BoardReview): Promise<Board & { review: BoardReview }> {
  if (!BOARD_REVIEWS.includes(review)) {
    throw validationFailed('review', { kind: 'oneOf', values: BOARD_REVIEWS }, `review must be one of ${BOARD_REVIEWS.join(', ')}.`);
  }
  const board = await getBoard(db, slug);
  await db.updateTable('boards').set({ review }).where('id', '=', board.id).execute();
  return { ...board, review };
}

/** The refusal of a change to an archived board: a 409 its pages explain in the reader's script. */
export function boardArchived(slug: string): AppError {
  return new AppError(409, 'BoardArchived', `The board "${slug}" is archived: it is read-only.`, { params: { slug } });
}

/** Checks a board name and description as createBoard does; returns them cleaned. */
export function cleanBoardText(input: { name?: string; description?: string }): { name?: string; description?: string } {
  const out: { name?: string; description?: string } = {};
  if (input.name !== undefined) {
    const name = input.name.normalize('NFC').replace(/\s+/gu, ' ').trim();
    if (!name || [...name].length > BOARD_NAME_MAX || hasHiddenCharacters(input.name) || /[\p{Cc}\p{Cf}]/u.test(name)) {
      throw validationFailed(
        'name',
        { kind: 'plainText', min: 1, max: BOARD_NAME_MAX },
        `A board name is 1-${BOARD_NAME_MAX} characters, with no control, zero-width or text-direction characters.`,
      );
    }
    out.name = name;
  }
  if (input.description !== undefined) {
    const description = input.description.normalize('NFC').trim();
    if ([...description].length > BOARD_DESCRIPTION_MAX || hasHiddenCharacters(description)) {
      throw validationFailed(
        'description',
        { kind: 'plainText', min: 0, max: BOARD_DESCRIPTION_MAX },
        `A board description is at most ${BOARD_DESCRIPTION_MAX} characters, with no control, zero-width or text-direction characters.`,
      );
    }
    out.description = description;
  }
  return out;
}

/** Creates a board (operators: the CLI and the admin console, admin/admin.boards.ts). */
export async function createBoard(db: Db, input: { slug: string; name: string; description?: string }): Promise<Board> {
  if (!SLUG.test(input.slug)) {
    throw validationFailed(
      'slug',
      { kind: 'slug' },
      'A board slug is 1-40 characters: lower-case letters, digits and -, starting with a letter or digit.',
    );
  }
  const { name, description } = cleanBoardText({ name: input.name, description: input.description ?? '' });
  const board = await repo.insertBoard(db, { slug: input.slug, name: name!, description });
  if (!board) {
    throw new AppError(409, 'NameTaken', `A board with the slug "${input.slug}" exists already.`, {
      params: { what: 'board', name: input.slug },
    });
  }
  return board;
}
