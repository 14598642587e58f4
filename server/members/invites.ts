import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { AppError } from '../errors';

/**
 * Invite links (issue 17): while registration is invite-only (registration.mode), a new account
 * needs one. An admin issues an invite with an expiry, for any number of registrations until then
 * or for a single one; lists and revokes them (admin/admin.invites.ts, the CLI). The link carries
 * 32 random bytes (base64url, as tokens/ make them); only their SHA-256 is stored, so the table
 * alone lets nobody register. Using an invite is one UPDATE that counts a use only while the
 * invite is unrevoked, unexpired and not used up, in the registration's own transaction: a
 * registration that fails gives its use back, and two racing for a single-use invite get one.
 */

/** An invite as the console lists it (never its token: that exists only when it is made). */
export interface Invite {
  id: string;
  createdByName: string;
  createdAt: Date;
  expiresAt: Date;
  /** 1: a single registration; null: any number until it expires. */
  maxUses: number | null;
  uses: number;
  revokedAt: Date | null;
  /** What it is now: usable, expired, revoked or used up. */
  state: 'live' | 'expired' | 'revoked' | 'used';
}

/** The invite as the audit log shows it. */
export const inviteAudit = (invite: Invite) => ({
  expiresAt: invite.expiresAt.toISOString(),
  maxUses: invite.maxUses,
  uses: invite.uses,
  revoked: invite.revokedAt !== null,
});

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hash = (token: string) => createHash('sha256').update(token).digest();

/** True when `token` has the shape an invite's has; anything else is never looked up. */
export const isInviteShaped = (token: unknown): token is string => typeof token === 'string' && TOKEN.test(token);

/** The longest an invite may be made for. */
export const INVITE_MAX_SECONDS = 365 * 86_400;

const COLUMNS = ['id', 'created_by_name', 'created_at', 'expires_at', 'max_uses', 'uses', 'revoked_at'] as const;

type InviteRow = {
  id: string;
  created_by_name: string;
  created_at: Date;
  expires_at: Date;
  max_uses: number | null;
  uses: number;
  revoked_at: Date | null;
};

const toInvite = (r: InviteRow, now = new Date()): Invite => ({
  id: r.id,
  createdByName: r.created_by_name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  maxUses: r.max_uses,
  uses: r.uses,
  revokedAt: r.revoked_at,
  state:
    r.revoked_at !== null
      ? 'revoked'
      : r.max_uses !== null && r.uses >= r.max_uses
        ? 'used'
        : r.expires_at.getTime() <= now.getTime()
          ? 'expired'
          : 'live',
});

/**
 * Makes an invite in the caller's transaction; returns it and its token (the only time the token
 * exists in clear: put it in a link).
 */
export async function createInvite(
  db: Db,
  input: { createdBy: { id: string | null; name: string }; seconds: number; maxUses: 1 | null },
): Promise<{ invite: Invite; token: string }> {
  const token = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('invites')
    .values({
      token_hash: hash(token),
      created_by: input.createdBy.id,
      created_by_name: input.createdBy.name,
      expires_at: sql<Date>`now() + make_interval(secs => ${input.seconds})`,
      max_uses: input.maxUses,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return { invite: toInvite(row), token };
}

/** The invites, newest first (the last `limit`). */
export async function listInvites(db: Db, limit = 200): Promise<Invite[]> {
  const rows = await db.selectFrom('invites').select(COLUMNS).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => toInvite(r));
}

/** Revokes an invite; returns it before and after, or a 404 InviteNotFound. Revoking twice changes nothing. */
export async function revokeInvite(db: Db, id: string): Promise<{ before: Invite; after: Invite }> {
  if (!/^\d{1,18}$/.test(id)) throw new AppError(404, 'InviteNotFound', `There is no invite ${id}.`);
  const row = await db.selectFrom('invites').select(COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError(404, 'InviteNotFound', `There is no invite ${id}.`);
  const after = await db
    .updateTable('invites')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return { before: toInvite(row), after: toInvite(after) };
}

/** Counts a use of the invite if it is usable; false otherwise (unknown, malformed, expired, revoked, used up: one answer). */
export async function useInvite(db: Db, token: unknown): Promise<boolean> {
  if (!isInviteShaped(token)) return false;
  const row = await db
    .updateTable('invites')
    .set({ uses: sql`uses + 1` })
    .where('token_hash', '=', hash(token))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** True when useInvite would accept the token now, without using it (the register page's note). */
export async function inviteUsable(db: Db, token: unknown): Promise<boolean> {
  if (!isInviteShaped(token)) return false;
  const row = await db
    .selectFrom('invites')
    .select('id')
    .where('token_hash', '=', hash(token))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst();
  return row !== undefined;
}
