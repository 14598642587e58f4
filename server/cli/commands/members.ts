import { ADMIN_ROLES, DELETED_MEMBER_NAME, deleteMember, issueResetLink, setMemberRole } from '../../admin/admin.members';
import { CLI_ACTOR, recordAudit } from '../../audit/audit';
import type { MemberTrust, SiteRole } from '../../db/database';
import { passOnLink } from '../../http/origin';
import { createMember, setTrust } from '../../members/members.service';
import { type NamedMember, confusableNames } from '../../members/names.service';
import { banAsOperator, unbanAsOperator } from '../../moderation/moderation.banning';
import { UsageError, need } from '../args';
import { type AnyCliCommand, type CliIo, command } from '../command';

/** The member commands (user:create, member:*, users:confusable): the console's, audited as the CLI. */

export const ROLES: SiteRole[] = ['member', 'moderator', 'admin'];

/** member:trust's words, as users.trust stores them. */
const TRUST: Record<string, MemberTrust> = { on: 'trusted', off: 'untrusted', auto: 'auto' };
const TRUST_SAID: Record<MemberTrust, string> = {
  trusted: 'is trusted (never a new member)',
  untrusted: 'is untrusted (always a new member)',
  auto: 'is trusted by the thresholds again (account age and accepted posts)',
};

/** Reads the password: the whole of stdin when piped, one line when typed at a terminal. */
async function readPassword(name: string, io: CliIo): Promise<string> {
  if (io.stdin.isTTY) {
    io.stderr.write(`password for ${name} (8+ characters, then Enter): `);
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: io.stdin });
    const line = await new Promise<string>((resolve) => rl.once('line', resolve));
    rl.close();
    return line;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A member on one line: the name, its code points (lookalikes differ only there), role and date. */
function describeMember(m: NamedMember): string {
  const points = [...m.name].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
  return `${JSON.stringify(m.name)} (${points}; ${m.role}, ${m.createdAt.toISOString().slice(0, 10)})`;
}

const memberName = (args: string[]) => need(args, 1, 'the member name');

export const MEMBER_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'user:create',
    // The password is read before the database is opened: typed at a terminal, nothing waits on it.
    async check(args, _flags, io) {
      need(args, 1, 'the member name');
      return readPassword(args[0]!, io);
    },
    async run({ db, args, flags, input: password, say }) {
      // --role was checked with every command's flags (registry.ts).
      const role = (flags.get('role') ?? 'member') as SiteRole;
      const member = await createMember(db, { username: args[0]!, password, role });
      say(`created ${member.role} ${member.name} (id ${member.id})`);
    },
  }),
  command({
    name: 'member:role',
    check(args) {
      need(args, 2, 'the member name and member or admin');
      if (!(ADMIN_ROLES as readonly string[]).includes(args[1]!)) throw new UsageError('member:role takes member or admin');
    },
    async run({ db, args, say }) {
      const set = await setMemberRole(db, 'cli', args[0]!, args[1]!);
      say(`${set.name} is now ${set.role}`);
    },
  }),
  command({
    name: 'member:delete',
    check(args, flags) {
      need(args, 1, 'the member name');
      const posts = flags.get('posts');
      if (posts !== 'keep' && posts !== 'remove') throw new UsageError('member:delete needs --posts keep or --posts remove');
    },
    async run({ db, args, flags, say }) {
      const done = await deleteMember(db, 'cli', args[0]!, flags.get('posts')!);
      say(
        `deleted the account of ${done.name}; ${done.changed} posts ${done.posts === 'keep' ? `now shown under ${DELETED_MEMBER_NAME}` : 'deleted'}`,
      );
    },
  }),
  command({
    name: 'member:ban',
    check(args, flags) {
      need(args, 1, 'the member name');
      const days = flags.get('days');
      if ((days === undefined) === (flags.get('forever') === undefined)) throw new UsageError('member:ban needs --days N or --forever');
      if (days !== undefined && !/^\d{1,4}$/.test(days)) throw new UsageError('--days is a whole number of days');
      if (!flags.get('reason')?.trim()) throw new UsageError('member:ban needs --reason (the member is told it)');
    },
    async run({ db, args, flags, say }) {
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
    },
  }),
  command({
    name: 'member:unban',
    check: memberName,
    async run({ db, args, say }) {
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
    },
  }),
  command({
    name: 'member:reset-link',
    check: memberName,
    async run({ db, args, config, say }) {
      const made = await issueResetLink(db, 'cli', args[0]!);
      // Under PUBLIC_URL, as the console's (origin.ts, passOnLink); without it only the path is known.
      const link = passOnLink(config.publicUrl, `/password/reset?token=${made.token}`);
      say(`one-time password-reset link for ${made.name} (until ${made.expiresAt.toISOString()}):`);
      say(link.url);
      if (!link.absolute) say('(set PUBLIC_URL to have the whole link: put the site origin before it)');
    },
  }),
  command({
    name: 'member:trust',
    check(args) {
      need(args, 2, 'the member name and on, off or auto');
      if (!(args[1]! in TRUST)) throw new UsageError('member:trust takes on, off or auto');
    },
    async run({ db, args, say }) {
      const set = await setTrust(db, args[0]!, TRUST[args[1]!]!);
      say(`${set.name} ${TRUST_SAID[set.trust]}`);
    },
  }),
  command({
    name: 'users:confusable',
    check: (args) => need(args, 0, ''),
    async run({ db, say }) {
      const { lookalikes, invisible } = await confusableNames(db);
      for (const group of lookalikes) say(`look alike: ${group.map(describeMember).join('  ')}`);
      for (const m of invisible) say(`invisible characters: ${describeMember(m)}`);
      say(`${lookalikes.length} groups of lookalike names, ${invisible.length} names with invisible characters`);
    },
  }),
];
