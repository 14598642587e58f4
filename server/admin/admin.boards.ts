import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import { type AuditActor, CLI_ACTOR, recordAudit } from '../audit/audit';
import { type Board, type BoardSummary, cleanBoardText, createBoard, listBoards } from '../boards/boards.service';
import * as boards from '../boards/boards.repository';
import * as members from '../members/members.repository';
import { nameKey } from '../members/names';
import { authorize, siteActor } from '../policy/policy';
import { announceBoardChange } from '../settings/settings.repository';

/**
 * Boards as admins run them from the console (/admin/boards) and the CLI: create, rename,
 * describe, move, archive and unarchive, delete when empty, and their moderators. Every change is
 * authorized here (admins only; the CLI is the operator) and audited in its own transaction, with
 * the board as it was before and after.
 */

/** Who runs an admin action: a member of the site (an admin, or refused) or the operator at the CLI. */
export type Operator = Member | null | 'cli';

/** The audit actor for `who`, once they are allowed: admins only (401/403 otherwise); the CLI always. */
export function adminActor(who: Operator): AuditActor {
  if (who === 'cli') return CLI_ACTOR;
  authorize(siteActor(who), 'administer', null);
  return who!;
}

/** A board in the console: its settings, counts and moderators, archived ones included. */
export interface AdminBoard extends BoardSummary {
  moderators: string[];
}

/** A board as the audit log keeps it. */
interface BoardShown {
  slug: string;
  name: string;
  description: string;
  position: number;
  archived: boolean;
  moderators: string[];
}

async function boardShown(db: Db, slug: string): Promise<BoardShown & { id: string }> {
  const row = await db
    .selectFrom('boards')
    .select(['id', 'slug', 'name', 'description', 'position', 'archived_at'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound('BoardNotFound', `There is no board "${slug}".`, { params: { slug } });
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    position: row.position,
    archived: row.archived_at !== null,
    moderators: await moderatorNames(db, row.id),
  };
}

async function moderatorNames(db: Db, boardId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('board_moderators as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.name')
    .where('m.board_id', '=', boardId)
    .orderBy('u.name')
    .execute();
  return rows.map((r) => r.name);
}

const withoutId = ({ id: _id, ...shown }: BoardShown & { id: string }): BoardShown => shown;

/** Every board, archived ones too, in their order, with their moderators. */
export async function adminBoards(db: Kysely<Database>, who: Operator): Promise<AdminBoard[]> {
  adminActor(who);
  const list = await listBoards(db, { archived: true });
  const mods = await db
    .selectFrom('board_moderators as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.board_id', 'u.name'])
    .orderBy('u.name')
    .execute();
  return list.map((b) => ({ ...b, moderators: mods.filter((m) => m.board_id === b.id).map((m) => m.name) }));
}

/**
 * Runs one change to a board in a transaction: `change` gets the board as it is (locked) and makes
 * the change; the audit line holds the board before and after.
 */
async function changeBoard(
  db: Kysely<Database>,
  who: Operator,
  slug: string,
  action: string,
  change: (tx: Transaction<Database>, board: BoardShown & { id: string }) => Promise<void>,
): Promise<BoardShown> {
  const actor = adminActor(who);
  return db.transaction().execute(async (tx) => {
    await tx.selectFrom('boards').select('id').where('slug', '=', slug).forUpdate().executeTakeFirst();
    const before = await boardShown(tx, slug);
    await change(tx, before);
    const after = withoutId(await boardShown(tx, slug));
    await recordAudit(tx, actor, { subject: `board:${slug}`, action, before: withoutId(before), after });
    // Every process drops the thread pages it kept whole (their board's name, its reply form), at commit.
    await announceBoardChange(tx, slug);
    return after;
  });
}

/** Creates a board; it comes last in the order. */
export async function addBoard(
  db: Kysely<Database>,
  who: Operator,
  input: { slug: string; name: string; description?: string },
): Promise<Board> {
  const actor = adminActor(who);
  return db.transaction().execute(async (tx) => {
    const board = await createBoard(tx, input);
    await recordAudit(tx, actor, {
      subject: `board:${board.slug}`,
      action: 'board.create',
      before: null,
      after: withoutId(await boardShown(tx, board.slug)),
    });
    return board;
  });
}

export function renameBoard(db: Kysely<Database>, who: Operator, slug: string, name: string): Promise<BoardShown> {
  const cleaned = cleanBoardText({ name });
  return changeBoard(db, who, slug, 'board.rename', async (tx, board) => {
    await tx.updateTable('boards').set({ name: cleaned.name! }).where('id', '=', board.id).execute();
  });
}

export function describeBoard(db: Kysely<Database>, who: Operator, slug: string, description: string): Promise<BoardShown> {
  const cleaned = cleanBoardText({ description });
  return changeBoard(db, who, slug, 'board.describe', async (tx, board) => {
    await tx.updateTable('boards').set({ description: cleaned.description! }).where('id', '=', board.id).execute();
  });
}

/** The largest position a board may take (a small number an admin types, not an id). */
export const BOARD_POSITION_MAX = 100_000;

/** Sets a board's position: boards are listed by position, lowest first (ties by age). */
export function moveBoard(db: Kysely<Database>, who: Operator, slug: string, position: number): Promise<BoardShown> {
  if (!Number.isInteger(position) || position < 0 || position > BOARD_POSITION_MAX) {
    throw validationFailed(
      'position',
      { kind: 'between', min: 0, max: BOARD_POSITION_MAX },
      `position: a whole number from 0 to ${BOARD_POSITION_MAX}.`,
    );
  }
  return changeBoard(db, who, slug, 'board.move', async (tx, board) => {
    await tx.updateTable('boards').set({ position }).where('id', '=', board.id).execute();
  });
}

/**
 * Archives a board (read-only, left out of `/`, the site's hot list, search and feeds) or opens it
 * again. Archiving an archived board changes nothing but is still logged, as asked.
 */
export function archiveBoard(db: Kysely<Database>, who: Operator, slug: string, archived: boolean): Promise<BoardShown> {
  return changeBoard(db, who, slug, archived ? 'board.archive' : 'board.unarchive', async (tx, board) => {
    await tx
      .updateTable('boards')
      .set({ archived_at: archived ? sql<Date>`coalesce(archived_at, now())` : null })
      .where('id', '=', board.id)
      .execute();
  });
}

/**
 * Deletes a board that holds no post (deleted ones count: they are still history) and no post
 * waiting for review; anything else is refused with BoardNotEmpty: archive it instead. Its own bans
 * and moderation log go with it; the audit log keeps what it was.
 */
export async function deleteBoard(db: Kysely<Database>, who: Operator, slug: string): Promise<void> {
  const actor = adminActor(who);
  await db.transaction().execute(async (tx) => {
    await tx.selectFrom('boards').select('id').where('slug', '=', slug).forUpdate().executeTakeFirst();
    const before = await boardShown(tx, slug);
    const { n } = await tx
      .selectNoFrom(() =>
        sql<string>`(select count(*) from threads where board_id = ${before.id})
          + (select count(*) from held_posts where board_id = ${before.id} and decided_at is null)`.as('n'),
      )
      .executeTakeFirstOrThrow();
    const posts = await tx.selectFrom('posts').select('id').where('board_id', '=', before.id).limit(1).executeTakeFirst();
    if (Number(n) > 0 || posts) {
      throw new AppError(409, 'BoardNotEmpty', `The board "${slug}" is not empty: archive it instead.`, {
        params: { slug, threads: Math.max(Number(n), 1) },
      });
    }
    await tx.deleteFrom('bans').where('board_id', '=', before.id).execute();
    await tx.deleteFrom('moderation_log').where('board_id', '=', before.id).execute();
    await tx.deleteFrom('boards').where('id', '=', before.id).execute();
    await recordAudit(tx, actor, { subject: `board:${slug}`, action: 'board.delete', before: withoutId(before), after: null });
  });
}

/**
 * Makes a member a moderator (版主) of a board, or stops them: their site role follows (a member
 * who moderates a board is at least 'moderator'; one who moderates none any more is a member again;
 * admins stay admins).
 */
export function setBoardModerator(db: Kysely<Database>, who: Operator, slug: string, name: string, on: boolean): Promise<BoardShown> {
  return changeBoard(db, who, slug, on ? 'board.moderator.add' : 'board.moderator.remove', async (tx, board) => {
    const user = await members.findUserByKey(tx, nameKey(name));
    if (!user || user.deleted_at) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
    if (on) {
      await boards.insertModerator(tx, board.id, user.id);
      if (user.role === 'member') await members.setUserRole(tx, user.id, 'moderator');
    } else {
      await tx.deleteFrom('board_moderators').where('board_id', '=', board.id).where('user_id', '=', user.id).execute();
      const still = await tx.selectFrom('board_moderators').select('board_id').where('user_id', '=', user.id).limit(1).executeTakeFirst();
      if (!still && user.role === 'moderator') await members.setUserRole(tx, user.id, 'member');
    }
  });
}
