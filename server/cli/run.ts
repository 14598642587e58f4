import { ArchiveError } from '../backup/backup.format';
import { ImportRefused } from '../backup/backup.import';
import { ConfigError, loadConfig } from '../config';
import { EmbeddedError } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { type Storage, openStorage } from '../db/storage';
import { AppError } from '../errors';
import { createLogger } from '../log';
import { backfillNameSkeletons } from '../members/names.service';
import { UsageError, parseArgs } from './args';
import type { CliIo } from './command';
import { COMMANDS, checkCommonFlags } from './registry';
import { USAGE } from './usage';

/**
 * One run of the operator's CLI: `npm run gentie -- <command>` (main.ts), or a test calling it in
 * its own process. It works whether the server runs or not: with the embedded database it uses
 * the running server's PostgreSQL (same DATA_DIR) or starts one for the length of the command.
 * Answers the exit code: 0 done, 1 refused or failed (one line on stderr), 2 a usage error.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (error) {
    const fail = (line: string) => io.stderr.write(`${line}\n`);
    if (error instanceof UsageError) {
      fail(`gentie: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) fail(`gentie: configuration error: ${error.message}`);
    else if (error instanceof ArchiveError) fail(`gentie: cannot import ${argv.at(-1)}: ${error.message}; nothing was imported`);
    else if (error instanceof AppError || error instanceof EmbeddedError || error instanceof ImportRefused)
      fail(`gentie: ${error.message}`);
    else fail(`gentie: failed: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<void> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const { command: name, args, flags } = parseArgs(argv);
  if (!name || name === 'help' || name === '--help') {
    say(USAGE);
    return;
  }
  const command = COMMANDS.get(name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  // The arguments are checked before the database is touched (and before user:create asks for
  // the password).
  checkCommonFlags(name, flags);
  const input: unknown = await command.check?.(args, flags, io);
  const basics = { command: name, args, flags, input, io, say };
  if (command.database === 'none') {
    await command.run(basics);
    return;
  }

  const config = loadConfig(io.env);
  const log = createLogger(io.env.LOG_LEVEL ? config.logLevel : 'warn', io.stdout);
  if (!config.databaseUrl) say(`using the embedded database in ${config.dataDir}`);
  let storage: Storage | undefined;
  try {
    storage = await openStorage(config, log, 'cli');
    const db = storage.db;
    const applied: string[] = [];
    if (command.database !== 'as-is') {
      await migrateToLatest(db, (migration) => {
        applied.push(migration);
        say(`migration applied: ${migration}`);
      });
      const skeletons = await backfillNameSkeletons(db);
      if (skeletons) say(`name skeletons computed for ${skeletons} members`);
    }
    const started = performance.now();
    // Seconds taken and the process's peak memory, for the last line of an export or import.
    const cost = () =>
      `in ${((performance.now() - started) / 1000).toFixed(1)} s (peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`;
    await command.run({ ...basics, config, storage, db, applied, cost });
  } finally {
    await storage?.close();
  }
}
