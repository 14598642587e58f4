import { setPublicBans } from '../../boards/boards.repository';
import { BOARD_REVIEWS, setBoardReview } from '../../boards/boards.service';
import { addBoard, archiveBoard, deleteBoard, describeBoard, moveBoard, renameBoard, setBoardModerator } from '../../admin/admin.boards';
import type { BoardReview } from '../../db/database';
import { AppError } from '../../errors';
import { UsageError, need } from '../args';
import { type AnyCliCommand, command } from '../command';

/** The board commands (board:*): the console's board admin (admin/admin.boards.ts), audited as the CLI. */

const slugAndName = (what: string) => (args: string[]) => need(args, 2, what);
const slugOnly = (args: string[]) => need(args, 1, 'the board slug');

export const BOARD_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'board:create',
    check: slugAndName('the board slug and name'),
    async run({ db, args, flags, say }) {
      const board = await addBoard(db, 'cli', { slug: args[0]!, name: args[1]!, description: flags.get('description') });
      say(`created board /b/${board.slug} (${board.name})`);
    },
  }),
  command({
    name: 'board:moderator',
    check: slugAndName('the board slug and the member name'),
    async run({ db, args, say }) {
      await setBoardModerator(db, 'cli', args[0]!, args[1]!, true);
      say(`${args[1]} now moderates /b/${args[0]}`);
    },
  }),
  command({
    name: 'board:unmoderator',
    check: slugAndName('the board slug and the member name'),
    async run({ db, args, say }) {
      await setBoardModerator(db, 'cli', args[0]!, args[1]!, false);
      say(`${args[1]} no longer moderates /b/${args[0]}`);
    },
  }),
  command({
    name: 'board:set',
    check(args, flags) {
      need(args, 1, 'the board slug');
      const review = flags.get('review');
      if (review === undefined && flags.get('public-bans') === undefined)
        throw new UsageError('board:set needs --review new|links|off or --public-bans on|off');
      if (review !== undefined && !BOARD_REVIEWS.includes(review as BoardReview))
        throw new UsageError(`--review must be one of ${BOARD_REVIEWS.join(', ')}`);
    },
    async run({ db, args, flags, say }) {
      const review = flags.get('review') as BoardReview | undefined;
      if (review !== undefined) {
        const board = await setBoardReview(db, args[0]!, review);
        say(`/b/${board.slug} review: ${board.review}`);
      }
      // Its value was checked with every command's flags (registry.ts).
      const publicBans = flags.get('public-bans');
      if (publicBans !== undefined) {
        if (!(await setPublicBans(db, args[0]!, publicBans === 'on')))
          throw new AppError(404, 'BoardNotFound', `there is no board "${args[0]}"`, { params: { slug: args[0]! } });
        say(`/b/${args[0]}: public bans ${publicBans}`);
      }
    },
  }),
  command({
    name: 'board:rename',
    check: slugAndName('the board slug and its new name'),
    async run({ db, args, say }) {
      const board = await renameBoard(db, 'cli', args[0]!, args[1]!);
      say(`/b/${board.slug} is now called ${board.name}`);
    },
  }),
  command({
    name: 'board:describe',
    check: slugAndName('the board slug and its description'),
    async run({ db, args, say }) {
      await describeBoard(db, 'cli', args[0]!, args[1]!);
      say(`/b/${args[0]}: description set`);
    },
  }),
  command({
    name: 'board:move',
    check(args) {
      need(args, 2, 'the board slug and its position');
      if (!/^\d{1,6}$/.test(args[1]!)) throw new UsageError('the position is a whole number (0 comes first)');
    },
    async run({ db, args, say }) {
      const board = await moveBoard(db, 'cli', args[0]!, Number(args[1]));
      say(`/b/${board.slug} is at position ${board.position}`);
    },
  }),
  ...['board:archive', 'board:unarchive'].map((name) =>
    command({
      name,
      check: slugOnly,
      async run({ db, args, say }) {
        const board = await archiveBoard(db, 'cli', args[0]!, name === 'board:archive');
        say(board.archived ? `/b/${board.slug} is archived (read-only)` : `/b/${board.slug} is open again`);
      },
    }),
  ),
  command({
    name: 'board:delete',
    check: slugOnly,
    async run({ db, args, say }) {
      await deleteBoard(db, 'cli', args[0]!);
      say(`deleted board /b/${args[0]}`);
    },
  }),
];
