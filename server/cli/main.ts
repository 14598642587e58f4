import { BOARD_REVIEWS, createBoard, setBoardReview } from '../boards/boards.service';
import { addModerator } from '../moderation/moderation.service';
import { ConfigError, loadConfig } from '../config';
import type { SiteRole } from '../db/database';
import { EmbeddedError } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { type Storage, openStorage } from '../db/storage';
import { seedDemo } from '../demo/seed';
import { AppError } from '../errors';
import { createLogger } from '../log';
import { createMember, setTrust } from '../members/members.service';
import type { BoardReview, MemberTrust } from '../db/database';
import { type NamedMember, backfillNameSkeletons, confusableNames } from '../members/names.service';
import { resanitizeAll } from '../posts/posts.service';

/**
 * The operator's CLI: `npm run gentie -- <command>`. It works whether the server runs or not:
 * with the embedded database it uses the running server's PostgreSQL (same DATA_DIR) or starts
 * one for the length of the command.
 */

const USAGE = `usage: npm run gentie -- <command>

  migrate                                      bring the database schema up to date
  user:create <name> [--role member|moderator|admin]
                                               create a member; the password is read from stdin
  board:create <slug> <name> [--description <text>]
                                               create a board
  board:moderator <slug> <name>                make a member a moderator (版主) of a board
  board:set <slug> --review new|links|off      which posts of the board wait for a moderator's review
                                               (the setting is stored; holding posts is not built yet)
  member:trust <name> on|off|auto              trust a member by hand (never new), un-trust them
                                               (always new), or go back to the thresholds
  seed:demo                                    add the demo board (if missing) and a demo thread
  posts:resanitize                             run every stored body through the current sanitizer
  users:confusable                             list members whose names look alike or hold invisible
                                               characters (kept from before such names were refused)

environment: DATABASE_URL (unset: the embedded database in DATA_DIR, default ./data), LOG_LEVEL`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { command: string | undefined; args: string[]; flags: Map<string, string> } {
  const args: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
        flags.set(a.slice(2), value);
        i++;
      }
    } else args.push(a);
  }
  return { command: args.shift(), args, flags };
}

/** Reads the password: the whole of stdin when piped, one line when typed at a terminal. */
async function readPassword(name: string): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write(`password for ${name} (8+ characters, then Enter): `);
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: process.stdin });
    const line = await new Promise<string>((resolve) => rl.once('line', resolve));
    rl.close();
    return line;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A member on one line: the name, its code points (lookalikes differ only there), role and date. */
function describeMember(m: NamedMember): string {
  const points = [...m.name].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
  return `${JSON.stringify(m.name)} (${points}; ${m.role}, ${m.createdAt.toISOString().slice(0, 10)})`;
}

const ROLES: SiteRole[] = ['member', 'moderator', 'admin'];

/** member:trust's words, as users.trust stores them. */
const TRUST: Record<string, MemberTrust> = { on: 'trusted', off: 'untrusted', auto: 'auto' };
const TRUST_SAID: Record<MemberTrust, string> = {
  trusted: 'is trusted (never a new member)',
  untrusted: 'is untrusted (always a new member)',
  auto: 'is trusted by the thresholds again (account age and accepted posts)',
};

function need(args: string[], count: number, what: string): void {
  if (args.length < count) throw new UsageError(`missing ${what}`);
  if (args.length > count) throw new UsageError(`unexpected argument "${args[count]}"`);
}

async function run(argv: string[]): Promise<void> {
  const { command, args, flags } = parseArgs(argv);
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  const known = [
    'migrate',
    'user:create',
    'board:create',
    'board:moderator',
    'board:set',
    'member:trust',
    'seed:demo',
    'posts:resanitize',
    'users:confusable',
  ];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);
  // Check the arguments before touching the database.
  if (command === 'user:create') need(args, 1, 'the member name');
  if (command === 'board:create') need(args, 2, 'the board slug and name');
  if (command === 'board:moderator') need(args, 2, 'the board slug and the member name');
  if (command === 'board:set') {
    need(args, 1, 'the board slug');
    const review = flags.get('review');
    if (review === undefined) throw new UsageError('board:set needs --review new|links|off');
    if (!BOARD_REVIEWS.includes(review as BoardReview)) throw new UsageError(`--review must be one of ${BOARD_REVIEWS.join(', ')}`);
  }
  if (command === 'member:trust') {
    need(args, 2, 'the member name and on, off or auto');
    if (!(args[1]! in TRUST)) throw new UsageError('member:trust takes on, off or auto');
  }
  if (command === 'migrate' || command === 'seed:demo' || command === 'posts:resanitize' || command === 'users:confusable')
    need(args, 0, '');
  const role = (flags.get('role') ?? 'member') as SiteRole;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const password = command === 'user:create' ? await readPassword(args[0]!) : '';

  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const say = (m: string) => console.log(m);
  if (!config.databaseUrl) say(`using the embedded database in ${config.dataDir}`);
  let storage: Storage | undefined;
  try {
    storage = await openStorage(config, log, 'cli');
    const applied: string[] = [];
    await migrateToLatest(storage.db, (name) => {
      applied.push(name);
      say(`migration applied: ${name}`);
    });
    const db = storage.db;
    const skeletons = await backfillNameSkeletons(db);
    if (skeletons) say(`name skeletons computed for ${skeletons} members`);
    switch (command) {
      case 'migrate':
        say(applied.length ? `schema up to date (${applied.length} applied)` : 'schema already up to date');
        break;
      case 'user:create': {
        const member = await createMember(db, { username: args[0]!, password, role });
        say(`created ${member.role} ${member.name} (id ${member.id})`);
        break;
      }
      case 'board:create': {
        const board = await createBoard(db, { slug: args[0]!, name: args[1]!, description: flags.get('description') });
        say(`created board /b/${board.slug} (${board.name})`);
        break;
      }
      case 'board:moderator':
        await addModerator(db, args[0]!, args[1]!);
        say(`${args[1]} now moderates /b/${args[0]}`);
        break;
      case 'board:set': {
        const board = await setBoardReview(db, args[0]!, flags.get('review') as BoardReview);
        say(`/b/${board.slug} review: ${board.review}`);
        break;
      }
      case 'member:trust': {
        const set = await setTrust(db, args[0]!, TRUST[args[1]!]!);
        say(`${set.name} ${TRUST_SAID[set.trust]}`);
        break;
      }
      case 'seed:demo':
        await seedDemo(db, say);
        break;
      case 'users:confusable': {
        const { lookalikes, invisible } = await confusableNames(db);
        for (const group of lookalikes) say(`look alike: ${group.map(describeMember).join('  ')}`);
        for (const m of invisible) say(`invisible characters: ${describeMember(m)}`);
        say(`${lookalikes.length} groups of lookalike names, ${invisible.length} names with invisible characters`);
        break;
      }
      case 'posts:resanitize': {
        const changed = await resanitizeAll(db, (done, total) => say(`re-sanitized ${done}/${total} posts`));
        say(`done: ${changed} bodies changed`);
        break;
      }
    }
  } finally {
    await storage?.close();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`gentie: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) console.error(`gentie: configuration error: ${error.message}`);
    else if (error instanceof AppError || error instanceof EmbeddedError) console.error(`gentie: ${error.message}`);
    else console.error(`gentie: failed: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  },
);
