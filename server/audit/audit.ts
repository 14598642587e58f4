/**
 * The admins' audit log (issue 17): every change an admin makes to the site, with what it was
 * before and after. Services call `recordAudit` inside the transaction that makes the change, so a
 * change that rolls back leaves no line and a line never tells of a change that did not happen.
 * Reading the log is for admins only: the service that shows it (admin/) authorizes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

/** What an admin did, as the audit log names it ('board.create', 'setting.set', 'member.role', …). */
export type AuditAction = string;

export interface AuditEntry {
  /** What was changed, the way the console names it: 'board:demo', 'member:alice', 'setting:siteName'. */
  subject: string;
  action: AuditAction;
  /** The thing before the change (null when it is new) and after it (null when it is gone). */
  before: unknown;
  after: unknown;
}

export interface AuditLine extends AuditEntry {
  id: string;
  actorName: string;
  at: Date;
}

/** Who made a change: an admin, or the operator at the CLI (no account: `CLI_ACTOR`). */
export interface AuditActor {
  id: string | null;
  name: string;
}

/** The actor of changes made with `npm run gentie -- …`, shown as such in the log. */
export const CLI_ACTOR: AuditActor = { id: null, name: 'CLI' };

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Writes one line for a change `actor` made; call it in the change's own transaction. */
export async function recordAudit(db: Kysely<Database>, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('admin_audit')
    .values({
      actor_id: actor.id,
      actor_name: actor.name,
      action: entry.action,
      subject: entry.subject,
      before: json(entry.before),
      after: json(entry.after),
    })
    .execute();
}

/** The log newest first, a page at a time: lines older than `before` (an id), optionally of one subject. */
export async function auditLines(
  db: Kysely<Database>,
  options: { before?: string; subject?: string; limit: number },
): Promise<AuditLine[]> {
  let query = db
    .selectFrom('admin_audit')
    .select(['id', 'actor_name', 'action', 'subject', 'before', 'after', 'created_at'])
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.before) query = query.where('id', '<', options.before);
  if (options.subject) query = query.where('subject', '=', options.subject);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    actorName: r.actor_name,
    action: r.action,
    subject: r.subject,
    before: r.before,
    after: r.after,
    at: r.created_at,
  }));
}
