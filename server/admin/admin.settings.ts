import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { AppError, validationFailed } from '../errors';
import { authorize, siteActor } from '../policy/policy';
import { type AuditActor, recordAudit } from '../audit/audit';
import { parseUntil } from '../limits/address-bans';
import {
  type SettingName,
  type SettingState,
  type SettingsStore,
  SETTINGS,
  formatValue,
  isSettingName,
  parseSettingValue,
} from '../settings/settings';
import { readOverride, writeOverride } from '../settings/settings.repository';
import { INVITE_MAX_SECONDS, type Invite, createInvite, inviteAudit, listInvites, revokeInvite } from '../members/invites';

/**
 * Site settings and invites as admins manage them (/admin/settings, /admin/invites, their API)
 * and the operator's CLI: authorized here, every change audited with before and after in its own
 * transaction, and applied on this process at once (the others hear the NOTIFY the change sends).
 */

/** A change to the settings: a value as the environment writes it, or null to go back to the default. */
export type SettingChanges = Partial<Record<SettingName, string | null>>;

/** Who changes settings: an admin (authorized) or the CLI (trusted: whoever runs it runs the server). */
type Changer = { member: Member | null } | { cli: AuditActor };

function actorOf(who: Changer): AuditActor {
  if ('cli' in who) return who.cli;
  authorize(siteActor(who.member), 'administer', null);
  return who.member!;
}

/** Every setting with its value and where it comes from (admins only). */
export function listSettings(store: SettingsStore, viewer: Member | null): SettingState[] {
  authorize(siteActor(viewer), 'administer', null);
  return store.list();
}

/**
 * Checks the changes (unknown names, bad values, settings an environment variable sets: a 400 or
 * 409 that names the setting, nothing stored), then stores those that change anything, each with
 * an audit line, in one transaction. Returns the names changed.
 */
export async function changeSettings(
  db: Kysely<Database>,
  store: SettingsStore,
  who: Changer,
  changes: Record<string, unknown>,
): Promise<SettingName[]> {
  const actor = actorOf(who);
  const states = new Map(store.list().map((s) => [s.name, s]));
  const wanted: { name: SettingName; text: string | null }[] = [];
  for (const [name, given] of Object.entries(changes)) {
    if (!isSettingName(name)) {
      throw validationFailed(name, { kind: 'format' }, `${name}: there is no such setting (see GET /api/admin/settings).`);
    }
    if (given !== null && typeof given !== 'string') {
      throw validationFailed(
        name,
        { kind: 'type', expected: 'text' },
        `${name}: give the value as text ("6/1m", "24"), or null for the default.`,
      );
    }
    const state = states.get(name)!;
    if (state.source === 'env') {
      throw new AppError(409, 'SettingFromEnvironment', `${name} is set by the environment variable ${state.env}, which wins.`, {
        params: { name, env: state.env },
      });
    }
    // Written the one way the environment writes it, so '60/60s' and '60/1m' are the same value.
    const text = given === null ? null : formatValue(SETTINGS[name], parseSettingValue(name, given));
    // Nothing to do: unsetting what is not stored, or storing the value in force (a form sends every field of its group).
    if (text === null ? state.stored === undefined : text === (state.stored ?? state.value)) continue;
    wanted.push({ name, text });
  }
  if (wanted.length === 0) return [];
  await db.transaction().execute(async (tx) => {
    for (const { name, text } of wanted) {
      const stored = await readOverride(tx, name);
      const definition = SETTINGS[name];
      const before = stored ?? null;
      await writeOverride(tx, name, text, actor.id);
      await recordAudit(tx, actor, {
        subject: `setting:${name}`,
        action: text === null ? 'setting.unset' : 'setting.set',
        before: { value: before ?? formatValue(definition, definition.default), stored: before !== null },
        after: { value: text ?? formatValue(definition, definition.default), stored: text !== null },
      });
    }
  });
  await store.refresh();
  return wanted.map((w) => w.name);
}

/** The invites, newest first (admins only). */
export async function invitesOf(db: Kysely<Database>, viewer: Member | null): Promise<Invite[]> {
  authorize(siteActor(viewer), 'administer', null);
  return listInvites(db);
}

/**
 * Issues an invite that works until `expires` (a duration such as 7d or 12h, or a date; at most a
 * year away), for a single registration or any number; audited. Returns it with its token.
 */
export async function issueInvite(
  db: Kysely<Database>,
  who: Changer,
  input: { expires: string; singleUse: boolean },
): Promise<{ invite: Invite; token: string }> {
  const actor = actorOf(who);
  const until = parseUntil(input.expires || '7d');
  const seconds = until ? Math.round((until.getTime() - Date.now()) / 1000) : NaN;
  if (!(seconds >= 60 && seconds <= INVITE_MAX_SECONDS)) {
    throw validationFailed('expires', { kind: 'format' }, 'expires: a duration (7d, 12h) or a date, from a minute to a year away.');
  }
  return db.transaction().execute(async (tx) => {
    const made = await createInvite(tx, { createdBy: actor, seconds, maxUses: input.singleUse ? 1 : null });
    await recordAudit(tx, actor, {
      subject: `invite:${made.invite.id}`,
      action: 'invite.create',
      before: null,
      after: inviteAudit(made.invite),
    });
    return made;
  });
}

/** Revokes an invite (it stays listed, revoked); audited. */
export async function withdrawInvite(db: Kysely<Database>, who: Changer, id: string): Promise<Invite> {
  const actor = actorOf(who);
  return db.transaction().execute(async (tx) => {
    const { before, after } = await revokeInvite(tx, id);
    if (before.revokedAt === null) {
      await recordAudit(tx, actor, {
        subject: `invite:${id}`,
        action: 'invite.revoke',
        before: inviteAudit(before),
        after: inviteAudit(after),
      });
    }
    return after;
  });
}
