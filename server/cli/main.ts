import { setPublicBans } from '../boards/boards.repository';
import { BOARD_REVIEWS, setBoardReview } from '../boards/boards.service';
import { addBoard, archiveBoard, deleteBoard, describeBoard, moveBoard, renameBoard, setBoardModerator } from '../admin/admin.boards';
import { ADMIN_ROLES, DELETED_MEMBER_NAME, deleteMember, issueResetLink, setMemberRole } from '../admin/admin.members';
import { activeAddressBans, banAddress, parseRange, parseUntil, unbanAddress } from '../limits/address-bans';
import { CLI_ACTOR, recordAudit } from '../audit/audit';
import { addressBanAudit } from '../admin/admin.addresses';
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
import { reindex } from '../search/search.service';
import { FOLDING_VERSION } from '../text/search-terms';
import { type SourceVariant, type Variant, VARIANTS, convertText, detectVariant, explainConversion } from '../text/convert';
import { passOnLink } from '../http/origin';
import { banAsOperator, unbanAsOperator } from '../moderation/moderation.service';
import { progressBar } from './progress';
import { readFile, writeFile } from 'node:fs/promises';
import { createGlossaryStore } from '../glossary/glossary.store';
import { type GlossaryTarget, addTerm, getGlossary, importGlossary, removeTerm } from '../moderation/moderation.glossary';
import { formatGlossary } from '../text/glossary';
import { SETTINGS_COMMANDS, SETTINGS_USAGE, runSettingsCommand, settingsUsageError } from './settings';
import path from 'node:path';
import { exportArchive } from '../backup/backup.export';
import { ArchiveError } from '../backup/backup.format';
import { ImportRefused, importArchive, readable, verifyArchive } from '../backup/backup.import';
import { describeInterrupted, importRunning, readMaintenance } from '../backup/backup.maintenance';

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
  board:set <slug> [--review new|links|off] [--public-bans on|off]
                                               change a board's settings: which posts wait for a
                                               moderator's review (new: every post by a new member;
                                               links: a new member's posts with links to other
                                               sites; off: none; the queue is /b/<slug>/queue),
                                               whether /b/<slug>/bans lists its bans
  board:rename <slug> <name>                   rename a board
  board:describe <slug> <text>                 set a board's description
  board:move <slug> <position>                 set a board's place in the order (lowest first)
  board:archive <slug>                         archive a board (read-only, left out of /, the site's
                                               hot list, search and feeds)
  board:unarchive <slug>                       open an archived board again
  board:delete <slug>                          delete a board with no posts (refused otherwise)
  board:unmoderator <slug> <name>              stop a member moderating a board
  member:role <name> member|admin              make a member an admin, or no longer one
  member:delete <name> --posts keep|remove     delete an account: its posts stay under 已註銷用戶 or
                                               are deleted; sessions end; the name stays reserved
  member:ban <name> --days N|--forever --reason TEXT
                                               ban a member from the whole site (as the console's
                                               site ban: they are told; admins cannot be banned)
  member:unban <name>                          lift the member's site bans in force
  member:reset-link <name>                     print a one-time password-reset link (24 hours) to
                                               pass on (on PUBLIC_URL when set)
  member:trust <name> on|off|auto              trust a member by hand (never new), un-trust them
                                               (always new), or go back to the thresholds
  seed:demo                                    add the demo board (if missing) and a demo thread
  posts:resanitize                             run every stored body through the current sanitizer
  search:reindex [--only stale]                rebuild the search index, with a progress bar (safe while
                                               the forum serves); --only stale: posts not yet indexed or
                                               indexed by older folding rules
  users:confusable                             list members whose names look alike or hold invisible
                                               characters (kept from before such names were refused)
  address:ban <cidr> --until <date|duration> --reason <text>
                                               refuse registering and posting from an address or range
                                               (203.0.113.7, 203.0.113.0/24, 2001:db8::/32) until a date
                                               (2027-01-01) or for a duration (30m, 12h, 7d, 2w)
  address:unban <cidr>                         lift the bans on exactly that address or range
  address:bans                                 list the address bans in force
${SETTINGS_USAGE}
  glossary:export [file] [--board <slug>] [--format json]
                                               print (or write) the site's glossary, or a board's,
                                               as a file (docs/conversion.md, "Glossaries")
  glossary:import <file> [--board <slug>] [--replace]
                                               merge a glossary file into the terms (--replace: it
                                               becomes the whole glossary); a new version, in the
                                               history (the site's also in the audit log)
  glossary:add <text> [--board <slug>] [--zh-hans <form>] [--zh-hant <form>] [--zh-tw <form>] [--zh-hk <form>]
                                               add or replace a term (no forms: never converted)
  glossary:remove <text> [--board <slug>]      remove a term
  convert <text> [--to <variant>] [--from <variant>]
  convert --explain <text> [--to …] [--from …]
                                               convert text as readers get it (variants: zh-hans,
                                               zh-hant, zh-tw, zh-hk; --from: as detected; --to: the
                                               other script, Taiwan's for simplified text); --explain
                                               prints each stage's words and choices and why
  export <file>                                the whole forum into one archive (mode 0600: it holds
                                               password hashes and 悄悄話), from a consistent snapshot
                                               while the forum serves; copy it off the machine
  import <file>                                an archive into an empty database, the forum read-only
                                               meanwhile; refuses a database that holds a forum
  import --verify <file>                       restore drill: the archive into a scratch database,
                                               read back and compared with its checksums, then dropped
  maintenance:off                              end the read-only mode a killed import left behind
                                               (the forum starts without the archive)

environment: DATABASE_URL (unset: the embedded database in DATA_DIR, default ./data), LOG_LEVEL`;

class UsageError extends Error {}

/** Flags that take no value. */
const SWITCHES = new Set(['--verify', '--replace', '--forever']);

function parseArgs(argv: string[]): { command: string | undefined; args: string[]; flags: Map<string, string> } {
  const args: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (SWITCHES.has(a)) flags.set(a.slice(2), 'yes');
    else if (a.startsWith('--')) {
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

/** `convert`: the text as a reader of another variant gets it, and with --explain how. */
function convert(args: string[], flags: Map<string, string>): void {
  const explain = flags.get('explain');
  const text = explain ?? args[0];
  if (explain === undefined) need(args, 1, 'the text to convert');
  else need(args, 0, '');
  if (!text?.trim()) throw new UsageError('convert needs the text to convert');
  const fromFlag = flags.get('from');
  if (fromFlag !== undefined && !(VARIANTS as readonly string[]).includes(fromFlag))
    throw new UsageError(`--from must be one of ${VARIANTS.join(', ')}`);
  const toFlag = flags.get('to');
  if (toFlag !== undefined && !(VARIANTS as readonly string[]).includes(toFlag))
    throw new UsageError(`--to must be one of ${VARIANTS.join(', ')}`);
  const from: SourceVariant = (fromFlag as Variant | undefined) ?? detectVariant(text);
  const to = (toFlag as Variant | undefined) ?? (from === 'zh-hans' || from === 'mixed' ? 'zh-tw' : 'zh-hans');
  if (explain === undefined) {
    console.log(convertText(text, from, to));
    return;
  }
  const { output, stages } = explainConversion(text, from, to);
  console.log(`${from} → ${to}: ${output}`);
  if (stages.length === 0) console.log('(nothing to convert: the same variant, or no Chinese)');
  stages.forEach((stage, k) => {
    console.log(`\nstage ${k + 1}, ${stage.name}:\n  read  ${stage.text}\n  words ${stage.words.join('|')}`);
    for (const step of stage.steps) {
      const of = step.of ? ` ${step.of}, up to the word boundary` : '';
      const refused = step.refused ? `  (${step.refused} refused: it crosses a word boundary)` : '';
      const rule = step.rule ? `: ${step.rule}` : '';
      const choice = step.choice ? `  (${step.choice})` : '';
      console.log(`  ${step.source} → ${step.output}  ${step.kind}${rule}${of}${refused}${choice}`);
    }
  });
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
    'board:rename',
    'board:describe',
    'board:move',
    'board:archive',
    'board:unarchive',
    'board:delete',
    'board:unmoderator',
    'member:role',
    'member:delete',
    'member:reset-link',
    'member:ban',
    'member:unban',
    'seed:demo',
    'posts:resanitize',
    'search:reindex',
    'users:confusable',
    'address:ban',
    'address:unban',
    'address:bans',
    ...SETTINGS_COMMANDS,
    'convert',
    'glossary:export',
    'glossary:import',
    'glossary:add',
    'glossary:remove',
    'export',
    'import',
    'maintenance:off',
  ];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);
  // Needs no database.
  if (command === 'convert') {
    convert(args, flags);
    return;
  }
  // Check the arguments before touching the database.
  if (command === 'user:create') need(args, 1, 'the member name');
  if (command === 'glossary:import') need(args, 1, 'the glossary file');
  if (command === 'glossary:add' || command === 'glossary:remove') need(args, 1, 'the term');
  if (command === 'board:create') need(args, 2, 'the board slug and name');
  if (command === 'board:moderator' || command === 'board:unmoderator') need(args, 2, 'the board slug and the member name');
  if (command === 'board:rename') need(args, 2, 'the board slug and its new name');
  if (command === 'board:describe') need(args, 2, 'the board slug and its description');
  if (command === 'board:move') {
    need(args, 2, 'the board slug and its position');
    if (!/^\d{1,6}$/.test(args[1]!)) throw new UsageError('the position is a whole number (0 comes first)');
  }
  if (command === 'board:archive' || command === 'board:unarchive' || command === 'board:delete') need(args, 1, 'the board slug');
  if (command === 'member:role') {
    need(args, 2, 'the member name and member or admin');
    if (!(ADMIN_ROLES as readonly string[]).includes(args[1]!)) throw new UsageError('member:role takes member or admin');
  }
  if (command === 'member:delete') {
    need(args, 1, 'the member name');
    const posts = flags.get('posts');
    if (posts !== 'keep' && posts !== 'remove') throw new UsageError('member:delete needs --posts keep or --posts remove');
  }
  if (command === 'member:reset-link' || command === 'member:unban') need(args, 1, 'the member name');
  if (command === 'member:ban') {
    need(args, 1, 'the member name');
    const days = flags.get('days');
    if ((days === undefined) === (flags.get('forever') === undefined)) throw new UsageError('member:ban needs --days N or --forever');
    if (days !== undefined && !/^\d{1,4}$/.test(days)) throw new UsageError('--days is a whole number of days');
    if (!flags.get('reason')?.trim()) throw new UsageError('member:ban needs --reason (the member is told it)');
  }
  if (command === 'board:set') {
    need(args, 1, 'the board slug');
    const review = flags.get('review');
    if (review === undefined && flags.get('public-bans') === undefined)
      throw new UsageError('board:set needs --review new|links|off or --public-bans on|off');
    if (review !== undefined && !BOARD_REVIEWS.includes(review as BoardReview))
      throw new UsageError(`--review must be one of ${BOARD_REVIEWS.join(', ')}`);
  }
  if (command === 'member:trust') {
    need(args, 2, 'the member name and on, off or auto');
    if (!(args[1]! in TRUST)) throw new UsageError('member:trust takes on, off or auto');
  }
  if (command === 'migrate' || command === 'seed:demo' || command === 'posts:resanitize' || command === 'users:confusable')
    need(args, 0, '');
  const publicBans = flags.get('public-bans');
  if (publicBans !== undefined && publicBans !== 'on' && publicBans !== 'off') throw new UsageError('--public-bans must be on or off');
  if (command === 'address:ban' || command === 'address:unban') need(args, 1, 'the address or range');
  if (command === 'address:bans' || command === 'maintenance:off') need(args, 0, '');
  if (command === 'export' || command === 'import') need(args, 1, 'the archive file');
  if (flags.has('verify') && command !== 'import') throw new UsageError('--verify goes with import');
  const settingsProblem = settingsUsageError(command, args, flags);
  if (settingsProblem) throw new UsageError(settingsProblem);
  if (command === 'search:reindex') {
    need(args, 0, '');
    const only = flags.get('only');
    if (only !== undefined && only !== 'stale') throw new UsageError('--only takes stale');
  }
  if ((command === 'address:ban' || command === 'address:unban') && !parseRange(args[0]!))
    throw new UsageError(`"${args[0]}" is not an address or a range (203.0.113.0/24, 2001:db8::/32)`);
  const until = command === 'address:ban' ? parseUntil(flags.get('until') ?? '') : null;
  if (command === 'address:ban' && !until) throw new UsageError('--until needs a date (2027-01-01) or a duration (30m, 12h, 7d, 2w)');
  if (command === 'address:ban' && !flags.get('reason')?.trim()) throw new UsageError('--reason needs the reason for the ban');
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
    const db = storage.db;
    // An export reads the schema as it is; an import brings its database to the archive's.
    const backup = command === 'export' || command === 'import' || command === 'maintenance:off';
    const applied: string[] = [];
    if (!backup) {
      await migrateToLatest(db, (name) => {
        applied.push(name);
        say(`migration applied: ${name}`);
      });
      const skeletons = await backfillNameSkeletons(db);
      if (skeletons) say(`name skeletons computed for ${skeletons} members`);
    }
    const started = performance.now();
    // Seconds taken and the process's peak memory, for the last line of an export or import.
    const cost = () =>
      `in ${((performance.now() - started) / 1000).toFixed(1)} s (peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`;
    switch (command) {
      case 'export': {
        const file = path.resolve(args[0]!);
        const result = await exportArchive(storage.url, file, { onProgress: progressBar('rows') });
        say(
          `exported ${result.tables} tables, ${result.rows} rows to ${file} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, mode 0600) ${cost()}`,
        );
        say('it holds password hashes and 悄悄話: keep it safe, and copy it off this machine');
        break;
      }
      case 'import': {
        const file = path.resolve(args[0]!);
        await readable(file);
        if (flags.has('verify')) {
          const result = await verifyArchive(storage.url, file, { onProgress: progressBar('rows'), say });
          say(
            `verified: ${result.manifest.tables.length} tables and ${result.rows} rows restored into a scratch database (${result.database}), read back and matching the archive's checksums; the scratch database was dropped ${cost()}`,
          );
        } else {
          const result = await importArchive(storage.url, file, { onProgress: progressBar('rows'), say });
          say(
            `imported ${result.manifest.tables.length} tables, ${result.rows} rows from ${file} (made ${result.manifest.createdAt}) ${cost()}`,
          );
          say('restart the forum processes so they read the imported forum afresh');
        }
        break;
      }
      case 'maintenance:off': {
        const left = await readMaintenance(db);
        if (!left) say('the forum is not in maintenance mode');
        else if (await importRunning(db)) throw new ImportRefused('an import is under way: it ends maintenance mode by itself');
        else {
          await db.deleteFrom('maintenance').execute();
          say(`${describeInterrupted(left)}; maintenance mode is off and the forum starts without it`);
        }
        break;
      }
      case 'migrate':
        say(applied.length ? `schema up to date (${applied.length} applied)` : 'schema already up to date');
        break;
      case 'user:create': {
        const member = await createMember(db, { username: args[0]!, password, role });
        say(`created ${member.role} ${member.name} (id ${member.id})`);
        break;
      }
      case 'board:create': {
        const board = await addBoard(db, 'cli', { slug: args[0]!, name: args[1]!, description: flags.get('description') });
        say(`created board /b/${board.slug} (${board.name})`);
        break;
      }
      case 'board:moderator':
        await setBoardModerator(db, 'cli', args[0]!, args[1]!, true);
        say(`${args[1]} now moderates /b/${args[0]}`);
        break;
      case 'board:unmoderator':
        await setBoardModerator(db, 'cli', args[0]!, args[1]!, false);
        say(`${args[1]} no longer moderates /b/${args[0]}`);
        break;
      case 'board:rename': {
        const board = await renameBoard(db, 'cli', args[0]!, args[1]!);
        say(`/b/${board.slug} is now called ${board.name}`);
        break;
      }
      case 'board:describe':
        await describeBoard(db, 'cli', args[0]!, args[1]!);
        say(`/b/${args[0]}: description set`);
        break;
      case 'board:move': {
        const board = await moveBoard(db, 'cli', args[0]!, Number(args[1]));
        say(`/b/${board.slug} is at position ${board.position}`);
        break;
      }
      case 'board:archive':
      case 'board:unarchive': {
        const board = await archiveBoard(db, 'cli', args[0]!, command === 'board:archive');
        say(board.archived ? `/b/${board.slug} is archived (read-only)` : `/b/${board.slug} is open again`);
        break;
      }
      case 'board:delete':
        await deleteBoard(db, 'cli', args[0]!);
        say(`deleted board /b/${args[0]}`);
        break;
      case 'member:role': {
        const set = await setMemberRole(db, 'cli', args[0]!, args[1]!);
        say(`${set.name} is now ${set.role}`);
        break;
      }
      case 'member:delete': {
        const done = await deleteMember(db, 'cli', args[0]!, flags.get('posts')!);
        say(
          `deleted the account of ${done.name}; ${done.changed} posts ${done.posts === 'keep' ? `now shown under ${DELETED_MEMBER_NAME}` : 'deleted'}`,
        );
        break;
      }
      case 'member:ban': {
        const days = flags.get('forever') ? 'forever' : Number(flags.get('days'));
        const ban = await banAsOperator(db, { username: args[0]!, days, reason: flags.get('reason')! }, (tx, issued) =>
          // The console's audit line (admin.members.ts siteBanMember), by the CLI.
          recordAudit(tx, CLI_ACTOR, {
            subject: `member:${issued.username}`,
            action: 'member.ban',
            before: null,
            after: { ban: issued.id, until: issued.expiresAt.toISOString(), reason: issued.reason },
          }),
        );
        say(
          `banned ${ban.username} from the whole site ${days === 'forever' ? 'for good' : `until ${ban.expiresAt.toISOString()}`} (ban ${ban.id})`,
        );
        break;
      }
      case 'member:unban': {
        const lifted = await unbanAsOperator(db, args[0]!, (tx, ban) =>
          recordAudit(tx, CLI_ACTOR, {
            subject: `member:${ban.username}`,
            action: 'member.unban',
            before: { ban: ban.id, until: ban.expiresAt.toISOString(), reason: ban.reason },
            after: null,
          }),
        );
        say(
          lifted.length
            ? `lifted ${lifted.length} site ban${lifted.length > 1 ? 's' : ''} of ${args[0]}`
            : `${args[0]} has no site ban in force`,
        );
        break;
      }
      case 'member:reset-link': {
        const made = await issueResetLink(db, 'cli', args[0]!);
        // Under PUBLIC_URL, as the console's (origin.ts, passOnLink); without it only the path is known.
        const link = passOnLink(config.publicUrl, `/password/reset?token=${made.token}`);
        say(`one-time password-reset link for ${made.name} (until ${made.expiresAt.toISOString()}):`);
        say(link.url);
        if (!link.absolute) say('(set PUBLIC_URL to have the whole link: put the site origin before it)');
        break;
      }
      case 'board:set': {
        const review = flags.get('review') as BoardReview | undefined;
        if (review !== undefined) {
          const board = await setBoardReview(db, args[0]!, review);
          say(`/b/${board.slug} review: ${board.review}`);
        }
        if (publicBans !== undefined) {
          if (!(await setPublicBans(db, args[0]!, publicBans === 'on')))
            throw new AppError(404, 'BoardNotFound', `there is no board "${args[0]}"`, { params: { slug: args[0]! } });
          say(`/b/${args[0]}: public bans ${publicBans}`);
        }
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
      case 'address:ban': {
        const ban = await db.transaction().execute(async (tx) => {
          const made = await banAddress(tx, { range: args[0]!, reason: flags.get('reason')!, expiresAt: until!, bannedBy: null });
          await recordAudit(tx, CLI_ACTOR, { ...addressBanAudit(made), action: 'address.ban', before: null });
          return made;
        });
        say(
          `banned ${ban.range} until ${ban.expiresAt.toISOString()}: ${ban.reason} (running servers apply it within ADDRESSES_BAN_CACHE_SECONDS)`,
        );
        break;
      }
      case 'address:unban': {
        const lifted = await db.transaction().execute(async (tx) => {
          const bans = await unbanAddress(tx, args[0]!);
          for (const ban of bans) await recordAudit(tx, CLI_ACTOR, { ...addressBanAudit(ban), action: 'address.unban', after: null });
          return bans.length;
        });
        say(lifted ? `lifted ${lifted} ban(s) on ${args[0]}` : `no ban in force on exactly ${args[0]}`);
        break;
      }
      case 'address:bans': {
        const bans = await activeAddressBans(db);
        for (const b of bans) say(`${b.range}\tuntil ${b.expiresAt.toISOString()}\t${b.reason}`);
        say(`${bans.length} address bans in force`);
        break;
      }
      case 'search:reindex': {
        const staleOnly = flags.get('only') === 'stale';
        const { indexed } = await reindex(db, { staleOnly }, progressBar(staleOnly ? 'posts checked' : 'posts'));
        say(`done: ${indexed} posts indexed (folding version ${FOLDING_VERSION})`);
        break;
      }
      case 'settings:list':
      case 'settings:set':
      case 'settings:unset':
      case 'invite:create':
      case 'invites':
      case 'invite:revoke':
        await runSettingsCommand(db, command, args, flags, say, config.publicUrl?.origin);
        break;
      case 'glossary:export':
      case 'glossary:import':
      case 'glossary:add':
      case 'glossary:remove':
        await glossaryCommand(db, command, args, flags, say);
        break;
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

/** The glossary commands (moderation/moderation.glossary.ts), as the operator: no account, logged as CLI. */
async function glossaryCommand(db: Storage['db'], command: string, args: string[], flags: Map<string, string>, say: (m: string) => void) {
  const board = flags.get('board');
  const target: GlossaryTarget = board ? { board } : { site: true };
  const store = createGlossaryStore(db);
  const cli = { cli: true } as const;
  const told = (g: { version: number; terms: unknown[] }) =>
    say(`glossary ${board ?? 'site'}: version ${g.version}, ${g.terms.length} terms`);
  switch (command) {
    case 'glossary:export': {
      const g = await getGlossary(db, null, target, true);
      const file = flags.get('format') === 'json' ? `${JSON.stringify({ terms: g.terms }, null, 2)}\n` : formatGlossary(g.terms);
      if (args[0]) {
        await writeFile(args[0], file);
        told(g);
      } else process.stdout.write(file);
      return;
    }
    case 'glossary:import':
      return told(
        await importGlossary(db, store, cli, target, await readFile(args[0]!, 'utf8'), flags.has('replace') ? 'replace' : 'merge'),
      );
    case 'glossary:add': {
      const forms = Object.fromEntries(VARIANTS.filter((v) => flags.has(v)).map((v) => [v, flags.get(v)]));
      return told(await addTerm(db, store, cli, target, { text: args[0], forms }));
    }
    case 'glossary:remove':
      return told(await removeTerm(db, store, cli, target, args[0]));
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
    else if (error instanceof ArchiveError)
      console.error(`gentie: cannot import ${process.argv.at(-1)}: ${error.message}; nothing was imported`);
    else if (error instanceof AppError || error instanceof EmbeddedError || error instanceof ImportRefused)
      console.error(`gentie: ${error.message}`);
    else console.error(`gentie: failed: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  },
);
