/**
 * Addresses and ranges (CIDR) an admin banned from registering and posting, until a time. The
 * check sits on every post and registration, so it must not cost a query: each process keeps the
 * active bans (a handful of rows) in a node:net BlockList per ban and reads them again when its
 * copy is older than `addresses.banCacheSeconds` (10 s by default), or at once when this process
 * changed them. A short time-to-live rather than a NOTIFY channel: bans are rare, an operator's
 * CLI or another process's admin page takes effect everywhere within seconds, and no extra
 * listening connection or reconnection logic is needed. Expiry needs no reload: each ban keeps
 * its own end and is skipped once past it.
 */
import { BlockList, isIP } from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { AppError, validationFailed } from '../errors';
import type { Settings } from '../settings/settings';

/** One ban as the admin page and the CLI list it. */
export interface AddressBan {
  id: string;
  range: string;
  reason: string;
  expiresAt: Date;
  createdAt: Date;
  bannedBy: string | null;
}

interface Loaded {
  blocks: { list: BlockList; expiresAt: Date }[];
  at: number;
}

/** The address as a plain IPv4 or IPv6 one: zone dropped, IPv4-mapped IPv6 as IPv4. */
function plainAddress(address: string): { address: string; type: 'ipv4' | 'ipv6' } | null {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(plain);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  const kind = isIP(plain);
  return kind === 4 ? { address: plain, type: 'ipv4' } : kind === 6 ? { address: plain, type: 'ipv6' } : null;
}

/** Parses "1.2.3.0/24", "2001:db8::/32" or a bare address (a range of one); null when malformed. */
export function parseRange(text: string): { network: string; prefix: number; type: 'ipv4' | 'ipv6' } | null {
  const [net, bits, extra] = text.trim().split('/');
  if (extra !== undefined || !net) return null;
  const kind = isIP(net);
  if (kind === 0) return null;
  const max = kind === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { network: net, prefix, type: kind === 4 ? 'ipv4' : 'ipv6' };
}

function blockOf(range: string): BlockList {
  const list = new BlockList();
  const parsed = parseRange(range);
  if (parsed) list.addSubnet(parsed.network, parsed.prefix, parsed.type);
  return list;
}

/** The active bans of a process, cached; see the file's comment. */
export interface AddressBans {
  /**
   * Throws 403 AddressBanned when `address` is in an active ban; its end is shown in `timeZone`
   * (the member's own; null or absent: the site's), named.
   */
  check(address: string, refused: 'post' | 'register', timeZone?: string | null): Promise<void>;
  /** Forgets the cached copy (this process changed the bans). */
  changed(): void;
}

export function createAddressBans(db: Db, settings: Settings): AddressBans {
  let loaded: Loaded | null = null;
  let loading: Promise<Loaded> | null = null;

  async function load(): Promise<Loaded> {
    const rows = await db
      .selectFrom('address_bans')
      .select(['range', 'expires_at'])
      .where('lifted_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .execute();
    return { blocks: rows.map((r) => ({ list: blockOf(r.range), expiresAt: r.expires_at })), at: Date.now() };
  }

  async function current(): Promise<Loaded> {
    const ttl = settings.get('addresses.banCacheSeconds') * 1000;
    if (loaded && Date.now() - loaded.at < ttl) return loaded;
    // One load at a time however many requests ask meanwhile.
    loading ??= load().finally(() => (loading = null));
    loaded = await loading;
    return loaded;
  }

  return {
    async check(address, refused, timeZone = null) {
      const plain = plainAddress(address);
      if (!plain) return;
      const { blocks } = await current();
      const now = Date.now();
      let until: Date | null = null;
      for (const b of blocks) {
        if (b.expiresAt.getTime() > now && b.list.check(plain.address, plain.type) && (!until || b.expiresAt > until)) until = b.expiresAt;
      }
      if (until) {
        throw new AppError(
          403,
          'AddressBanned',
          `This address may not ${refused === 'register' ? 'register' : 'post'} until ${until.toISOString()}.`,
          {
            params: { refused, until, timeZone },
          },
        );
      }
    },
    changed() {
      loaded = null;
    },
  };
}

/** Bans `range` until `expiresAt` (admins, the CLI). */
export async function banAddress(
  db: Db,
  input: { range: string; reason: string; expiresAt: Date; bannedBy: string | null },
): Promise<AddressBan> {
  const parsed = parseRange(input.range);
  if (!parsed)
    throw validationFailed('range', { kind: 'format' }, 'range: give an address or a range such as 203.0.113.0/24 or 2001:db8::/32.');
  const reason = input.reason.trim();
  if (!reason) throw validationFailed('reason', { kind: 'explain', why: 'ban' }, 'reason: say why the address is banned.');
  if (!(input.expiresAt.getTime() > Date.now())) throw validationFailed('until', { kind: 'format' }, 'until: give a time in the future.');
  const row = await db
    .insertInto('address_bans')
    // cidr refuses host bits set (10.0.0.1/8): the network's own address is taken instead.
    .values({
      range: sql<string>`network(${`${parsed.network}/${parsed.prefix}`}::inet)::cidr`,
      reason,
      expires_at: input.expiresAt,
      banned_by: input.bannedBy,
    })
    .returning(['id', sql<string>`range::text`.as('range'), 'reason', 'expires_at', 'created_at', 'banned_by'])
    .executeTakeFirstOrThrow();
  return toBan(row);
}

/** Lifts the active bans on exactly `range`; returns them. */
export async function unbanAddress(db: Db, range: string): Promise<AddressBan[]> {
  const parsed = parseRange(range);
  if (!parsed) throw validationFailed('range', { kind: 'format' }, 'range: give an address or a range such as 203.0.113.0/24.');
  const rows = await db
    .updateTable('address_bans')
    .set({ lifted_at: sql<Date>`now()` })
    .where('lifted_at', 'is', null)
    .where(sql<boolean>`range = network(${`${parsed.network}/${parsed.prefix}`}::inet)::cidr`)
    .returning(['id', sql<string>`range::text`.as('range'), 'reason', 'expires_at', 'created_at', 'banned_by'])
    .execute();
  return rows.map(toBan);
}

/** The bans in force, newest first. */
export async function activeAddressBans(db: Db): Promise<AddressBan[]> {
  const rows = await db
    .selectFrom('address_bans')
    .select(['id', sql<string>`range::text`.as('range'), 'reason', 'expires_at', 'created_at', 'banned_by'])
    .where('lifted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toBan);
}

function toBan(r: { id: string; range: string; reason: string; expires_at: Date; created_at: Date; banned_by: string | null }): AddressBan {
  return { id: r.id, range: r.range, reason: r.reason, expiresAt: r.expires_at, createdAt: r.created_at, bannedBy: r.banned_by };
}

/**
 * An end time from the CLI or the admin form: a duration from now ("30m", "12h", "7d", "2w") or a
 * date or time ("2027-01-01", "2027-01-01T08:00:00+08:00"); null when neither.
 */
export function parseUntil(text: string, now = new Date()): Date | null {
  const duration = /^(\d{1,6})\s*([mhdw])$/.exec(text.trim());
  if (duration) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[duration[2] as 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() + Number(duration[1]) * unit);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}
