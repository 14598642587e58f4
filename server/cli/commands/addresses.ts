import { addressBanAudit } from '../../admin/admin.addresses';
import { CLI_ACTOR, recordAudit } from '../../audit/audit';
import { activeAddressBans, banAddress, parseRange, parseUntil, unbanAddress } from '../../limits/address-bans';
import { UsageError, need } from '../args';
import { type AnyCliCommand, command } from '../command';

/** The address ban commands (address:*): the console's (admin/admin.addresses.ts), audited as the CLI. */

function range(args: string[]): void {
  need(args, 1, 'the address or range');
  if (!parseRange(args[0]!)) throw new UsageError(`"${args[0]}" is not an address or a range (203.0.113.0/24, 2001:db8::/32)`);
}

export const ADDRESS_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'address:ban',
    check(args, flags) {
      range(args);
      const until = parseUntil(flags.get('until') ?? '');
      if (!until) throw new UsageError('--until needs a date (2027-01-01) or a duration (30m, 12h, 7d, 2w)');
      if (!flags.get('reason')?.trim()) throw new UsageError('--reason needs the reason for the ban');
      return until;
    },
    async run({ db, args, flags, input: until, say }) {
      const ban = await db.transaction().execute(async (tx) => {
        const made = await banAddress(tx, { range: args[0]!, reason: flags.get('reason')!, expiresAt: until, bannedBy: null });
        await recordAudit(tx, CLI_ACTOR, { ...addressBanAudit(made), action: 'address.ban', before: null });
        return made;
      });
      say(
        `banned ${ban.range} until ${ban.expiresAt.toISOString()}: ${ban.reason} (running servers apply it within ADDRESSES_BAN_CACHE_SECONDS)`,
      );
    },
  }),
  command({
    name: 'address:unban',
    check: range,
    async run({ db, args, say }) {
      const lifted = await db.transaction().execute(async (tx) => {
        const bans = await unbanAddress(tx, args[0]!);
        for (const ban of bans) await recordAudit(tx, CLI_ACTOR, { ...addressBanAudit(ban), action: 'address.unban', after: null });
        return bans.length;
      });
      say(lifted ? `lifted ${lifted} ban(s) on ${args[0]}` : `no ban in force on exactly ${args[0]}`);
    },
  }),
  command({
    name: 'address:bans',
    check: (args) => need(args, 0, ''),
    async run({ db, say }) {
      const bans = await activeAddressBans(db);
      for (const b of bans) say(`${b.range}\tuntil ${b.expiresAt.toISOString()}\t${b.reason}`);
      say(`${bans.length} address bans in force`);
    },
  }),
];
