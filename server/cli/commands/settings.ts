import { CLI_ACTOR } from '../../audit/audit';
import { changeSettings, issueInvite, withdrawInvite } from '../../admin/admin.settings';
import { listInvites } from '../../members/invites';
import { createSettingsStore, formatDefault, isSettingName } from '../../settings/settings';
import { UsageError } from '../args';
import { type AnyCliCommand, type CliContext, command } from '../command';

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

const COUNTS = { 'settings:list': 0, 'settings:set': 2, 'settings:unset': 1, 'invite:create': 0, invites: 0, 'invite:revoke': 1 };

/** Refuses wrong arguments of one of these commands, before the database is touched. */
function check(name: keyof typeof COUNTS) {
  return (args: string[], flags: Map<string, string>) => {
    const count = COUNTS[name];
    if (args.length !== count) throw new UsageError(`${name} takes ${count === 0 ? 'no arguments' : `${count} argument(s)`}`);
    if ((name === 'settings:set' || name === 'settings:unset') && !isSettingName(args[0])) {
      throw new UsageError(`there is no setting "${args[0]}" (npm run gentie -- settings:list)`);
    }
    const single = flags.get('single-use');
    if (single !== undefined && single !== 'yes' && single !== 'no') throw new UsageError('--single-use takes yes or no');
  };
}

/** Runs one of these commands: the settings as this environment and the database make them. */
async function run({ db, command, args, flags, io, config, say }: CliContext): Promise<void> {
  // PUBLIC_URL's origin, for an invite's link.
  const origin = config.publicUrl?.origin;
  const store = createSettingsStore(db, io.env, { refreshMs: 0 });
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

export const SETTINGS_COMMANDS: AnyCliCommand[] = (Object.keys(COUNTS) as (keyof typeof COUNTS)[]).map((name) =>
  command({ name, check: check(name), run }),
);
