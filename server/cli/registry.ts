import { UsageError, type Flags } from './args';
import type { AnyCliCommand } from './command';
import { ADDRESS_COMMANDS } from './commands/addresses';
import { BACKUP_COMMANDS } from './commands/backup';
import { BOARD_COMMANDS } from './commands/boards';
import { CONVERT_COMMANDS } from './commands/convert';
import { GLOSSARY_COMMANDS } from './commands/glossary';
import { MEMBER_COMMANDS, ROLES } from './commands/members';
import { POST_COMMANDS } from './commands/posts';
import { SETTINGS_COMMANDS } from './commands/settings';

/**
 * Every CLI command by name, from the files of commands/ (one per area). A new command goes in
 * its area's file and in USAGE (usage.ts); tests/cli/registry.test.ts checks the two agree.
 */
export const COMMANDS: ReadonlyMap<string, AnyCliCommand> = new Map(
  [
    ...POST_COMMANDS,
    ...MEMBER_COMMANDS,
    ...BOARD_COMMANDS,
    ...ADDRESS_COMMANDS,
    ...SETTINGS_COMMANDS,
    ...GLOSSARY_COMMANDS,
    ...CONVERT_COMMANDS,
    ...BACKUP_COMMANDS,
  ].map((c) => [c.name, c]),
);

/** The flags any command refuses when wrong, whichever command it is (as the CLI always has). */
export function checkCommonFlags(command: string, flags: Flags): void {
  const publicBans = flags.get('public-bans');
  if (publicBans !== undefined && publicBans !== 'on' && publicBans !== 'off') throw new UsageError('--public-bans must be on or off');
  if (flags.has('verify') && command !== 'import') throw new UsageError('--verify goes with import');
  const role = flags.get('role') ?? 'member';
  if (!(ROLES as string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
}
