import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Storage } from '../db/storage';
import type { Flags } from './args';

/**
 * What a CLI command is: its name, the check of its arguments (before the database is touched),
 * and what it does. The commands live in commands/, one file per area; registry.ts lists them.
 */

/** Where a run of the CLI writes and reads: the process's own streams, or a test's. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** The environment the configuration is read from (DATABASE_URL, DATA_DIR, LOG_LEVEL, …). */
  env: NodeJS.ProcessEnv;
  /** Where user:create reads the password from. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** A stream the CLI writes lines to; a terminal (isTTY) gets progress bars redrawn in place. */
export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What every command runs with: its words and flags, and where to say what it did. */
export interface CliBasics<Input = unknown> {
  command: string;
  args: string[];
  flags: Flags;
  /** What the command's check returned (a parsed date, the password read). */
  input: Input;
  io: CliIo;
  /** One line on stdout. */
  say: (line: string) => void;
}

/** What a command on the database runs with besides. */
export interface CliContext<Input = unknown> extends CliBasics<Input> {
  config: Config;
  storage: Storage;
  db: Kysely<Database>;
  /** The migrations this run applied (migrate reports them). */
  applied: string[];
  /** Seconds since the command started and the process's peak memory, for a backup's last line. */
  cost: () => string;
}

interface CommandBase<Input> {
  name: string;
  /** Refuses wrong arguments with a UsageError; what it returns reaches run() as ctx.input. */
  check?: (args: string[], flags: Flags, io: CliIo) => Input | Promise<Input>;
}

/**
 * A command and what it needs of the database: none (it runs without one), as-is (the backup
 * commands: an export reads the schema as it is, an import brings it to the archive's), or, by
 * default, the schema brought up to date first.
 */
export type CliCommand<Input = unknown> =
  | (CommandBase<Input> & { database: 'none'; run: (ctx: CliBasics<Input>) => void | Promise<void> })
  | (CommandBase<Input> & { database?: 'as-is' | 'migrated'; run: (ctx: CliContext<Input>) => void | Promise<void> });

/** A command whose input type the registry need not know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCliCommand = CliCommand<any>;

/** Declares a command, its input type taken from its check. */
export function command<Input = undefined>(c: CliCommand<Input>): CliCommand<Input> {
  return c;
}
