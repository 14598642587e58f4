import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { type AuditLine, auditLines } from '../audit/audit';
import { validationFailed } from '../errors';
import { authorize, siteActor } from '../policy/policy';

/** The audit log as admins read it on /admin/audit and in JSON (the log itself is audit/audit.ts). */

/** Lines a page shows. */
export const AUDIT_PAGE = 50;

/** One page of the log, newest first: `before` is the id the last page ended on; `older` is where the next starts. */
export async function auditPage(
  db: Kysely<Database>,
  viewer: Member | null,
  query: { before?: string; subject?: string },
): Promise<{ lines: AuditLine[]; older: string | null }> {
  authorize(siteActor(viewer), 'administer', null);
  if (query.before !== undefined && !/^[1-9]\d{0,17}$/.test(query.before)) {
    throw validationFailed('before', { kind: 'format' }, 'before: the id of a line of the log.');
  }
  const lines = await auditLines(db, { before: query.before, subject: query.subject || undefined, limit: AUDIT_PAGE + 1 });
  const more = lines.length > AUDIT_PAGE;
  if (more) lines.pop();
  return { lines, older: more ? lines[lines.length - 1]!.id : null };
}
