import type { Kysely } from 'kysely';
import { CLI_ACTOR } from '../audit/audit';
import { changeSettings, issueInvite, withdrawInvite } from '../admin/admin.settings';
import type { Database } from '../db/database';
import { listInvites } from '../members/invites';
import { createSettingsStore, formatDefault, isSettingName } from '../settings/settings';

/**
 * The CLI's site settings and invites (issue 17), the console's equivalents for scripting:
 * settings:list, settings:set, settings:unset, invite:create, invites, invite:revoke. Changes are
 * audited as made by the CLI; running servers apply them at once (the NOTIFY a change sends).
 */

export const SETTINGS_USAGE = `  settings:list                                every setting: its value, and where it comes from (env,
                                               database, default)
  settings:set <name> <value>                  store a setting (as the environment writes it: 6/1m, 24,
                                               invite); running servers apply it at once
  settings:unset <name>                        back to the default
  invite:create [--expires 7d] [--single-use yes]
                                               issue an invite link (for invite-only registration)
  invites                                      list the invites
  invite:revoke <id>                           revoke an invite`;

export const SETTINGS_COMMANDS = ['settings:list', 'settings:set', 'settings:unset', 'invite:create', 'invites', 'invite:revoke'];

/** What is wrong with the arguments of one of these commands, before the database is touched; undefined when right. */
export function settingsUsageError(command: string, args: string[], flags: Map<string, string>): string | undefined {
  const count = { 'settings:list': 0, 'settings:set': 2, 'settings:unset': 1, 'invite:create': 0, invites: 0, 'invite:revoke': 1 }[command];
  if (count === undefined) return undefined;
  if (args.length !== count) return `${command} takes ${count === 0 ? 'no arguments' : `${count} argument(s)`}`;
  if ((command === 'settings:set' || command === 'settings:unset') && !isSettingName(args[0])) {
    return `there is no setting "${args[0]}" (npm run gentie -- settings:list)`;
  }
  const single = flags.get('single-use');
  if (single !== undefined && single !== 'yes' && single !== 'no') return '--single-use takes yes or no';
  return undefined;
}

/** Runs one of these commands. `origin`: PUBLIC_URL's, for an invite's link. */
export async function runSettingsCommand(
  db: Kysely<Database>,
  command: string,
  args: string[],
  flags: Map<string, string>,
  say: (line: string) => void,
  origin: string | undefined,
): Promise<void> {
  const store = createSettingsStore(db, process.env, { refreshMs: 0 });
  await store.refresh();
  switch (command) {
    case 'settings:list':
      for (const s of store.list()) {
        const from = s.source === 'env' ? `env ${s.env}` : s.source;
        say(`${s.name}\t${JSON.stringify(s.value)}\t(${from}; default ${formatDefault(s.definition)})`);
      }
      break;
    case 'settings:set':
    case 'settings:unset': {
      const value = command === 'settings:set' ? args[1]! : null;
      const changed = await changeSettings(db, store, { cli: CLI_ACTOR }, { [args[0]!]: value });
      const now = store.list().find((s) => s.name === args[0])!;
      say(changed.length ? `${now.name} is now ${JSON.stringify(now.value)}` : `${now.name} was already ${JSON.stringify(now.value)}`);
      break;
    }
    case 'invite:create': {
      const { invite, token } = await issueInvite(
        db,
        { cli: CLI_ACTOR },
        { expires: flags.get('expires') ?? '7d', singleUse: flags.get('single-use') === 'yes' },
      );
      say(`invite ${invite.id}, until ${invite.expiresAt.toISOString()}${invite.maxUses ? ', for one registration' : ''}:`);
      say(`${origin ?? ''}/register?invite=${token}`);
      if (!origin) say('(set PUBLIC_URL to have the whole link: put the site origin before it)');
      break;
    }
    case 'invites': {
      const invites = await listInvites(db);
      for (const i of invites) {
        say(
          `${i.id}\t${i.state}\tuntil ${i.expiresAt.toISOString()}\tused ${i.uses}${i.maxUses ? `/${i.maxUses}` : ''}\tby ${i.createdByName}`,
        );
      }
      say(`${invites.length} invites`);
      break;
    }
    case 'invite:revoke': {
      const invite = await withdrawInvite(db, { cli: CLI_ACTOR }, args[0]!);
      say(`invite ${invite.id} is revoked`);
      break;
    }
  }
}
