import type { Kysely } from 'kysely';
import type { Database, MessageReportResolution } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import { notify } from '../events/notices';
import { authorize, siteActor } from '../policy/policy';
import { cleanReason } from '../text/reason';
import * as repo from './messages.repository';
import { type Message, getMessage, toMessage } from './messages.service';

/**
 * Reports of 悄悄話 (舉報). The recipient reports a message with a reason; admins see the open
 * reports and read the one reported message through its report — each reading logged — and close
 * it by dismissing it or by banning the sender from the whole site. The message URLs stay closed
 * to admins as to everyone else: the report is the only way in. The reporter is told how it ended.
 */

/** Open reports listed at once on the admin's page. */
export const OPEN_REPORTS_SHOWN = 100;

/** A report's or a ban's reason: required, as every reason is kept (text/reason.ts cleanReason). */
export function checkReason(input: string | undefined, why: 'report' | 'ban'): string {
  const reason = cleanReason(input);
  if (!reason) throw validationFailed('reason', { kind: 'explain', why }, 'reason: say what is wrong.');
  return reason;
}

/** Reports a message the member received, once (409 AlreadyReported after that). */
export async function reportMessage(db: Kysely<Database>, member: Member | null, id: string, input: { reason: string }) {
  const message = await getMessage(db, member, id);
  if (message.sent) {
    throw new AppError(403, 'NotAllowed', 'Only the recipient of a private message can report it.', {
      params: { rule: 'reportOwnMessage' },
    });
  }
  const reason = checkReason(input.reason, 'report');
  const report = await repo.insertReport(db, message.id, member!.id, reason);
  if (!report) {
    throw new AppError(409, 'AlreadyReported', 'You have reported this message already; the admins will look at it.', {
      params: { what: 'message' },
    });
  }
  return { id: report.id, messageId: message.id, reason, createdAt: report.created_at };
}

/** Admins only: anyone else is told there is nothing here, as for any page that is not theirs. */
function requireAdmin(member: Member | null): Member {
  try {
    authorize(siteActor(member), 'administer', null);
  } catch {
    throw notFound('NotFound', 'Nothing is here.');
  }
  return member!;
}

/** A message report as the admin's pages show it. */
export interface MessageReport {
  id: string;
  messageId: string;
  reason: string;
  reporter: string;
  sender: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolution: MessageReportResolution | null;
  resolvedBy: string | null;
}

function toReport(row: NonNullable<Awaited<ReturnType<typeof repo.findReport>>>): MessageReport {
  return {
    id: row.id,
    messageId: row.message_id,
    reason: row.reason,
    reporter: row.reporter_name,
    sender: row.sender_name,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
    resolvedBy: row.resolver_name,
  };
}

/** The open message reports, oldest first (admins). No message content: that is read one report at a time. */
export async function openMessageReports(db: Kysely<Database>, member: Member | null): Promise<MessageReport[]> {
  requireAdmin(member);
  return (await repo.findOpenReports(db, OPEN_REPORTS_SHOWN)).map(toReport);
}

/** A report with its message, as the admin reads it, and who read it before. */
export interface ReportReading {
  report: MessageReport;
  message: Message;
  reads: { name: string; at: Date }[];
}

/** An admin reads a reported message through its report; the reading is logged first. */
export async function readMessageReport(db: Kysely<Database>, member: Member | null, reportId: string): Promise<ReportReading> {
  const admin = requireAdmin(member);
  const row = isId(reportId) ? await repo.findReport(db, reportId) : undefined;
  if (!row) throw notFound('NotFound', 'Nothing is here.');
  await repo.insertReportRead(db, row.id, admin.id);
  const message = await repo.findReportedMessage(db, row.message_id);
  if (!message) throw notFound('NotFound', 'Nothing is here.');
  return { report: toReport(row), message: toMessage(message, admin.id), reads: await repo.findReportReads(db, row.id) };
}

/**
 * Bans a member from the whole site through the moderation's own ban (its rules, its log): given
 * by app.ts, since messages/ and moderation/ sit on the same layer and never import each other.
 */
export type BanSender = (admin: Member, input: { username: string; days: number; reason: string }) => Promise<unknown>;

/** How an admin closes a message report. */
export type Resolution = { resolution: 'dismissed' } | { resolution: 'banned'; days: number; reason: string };

/**
 * Closes an open message report (admins): dismissed, or the sender banned from the whole site
 * first (the ban's own transaction and rules: an admin cannot be banned, and so on). The reporter
 * is notified in the transaction that closes the report.
 */
export async function resolveMessageReport(
  db: Kysely<Database>,
  member: Member | null,
  reportId: string,
  input: Resolution,
  banSender: BanSender,
): Promise<MessageReport> {
  const admin = requireAdmin(member);
  const row = isId(reportId) ? await repo.findReport(db, reportId) : undefined;
  if (!row) throw notFound('NotFound', 'Nothing is here.');
  if (row.resolved_at) throw notFound('ReportNotFound', 'This report is closed already.', { params: { what: 'message' } });
  if (input.resolution === 'banned') {
    await banSender(admin, { username: row.sender_name, days: input.days, reason: checkReason(input.reason, 'ban') });
  }
  await db.transaction().execute(async (tx) => {
    const closed = await repo.resolveReport(tx, row.id, admin.id, input.resolution);
    if (!closed) throw notFound('ReportNotFound', 'This report is closed already.', { params: { what: 'message' } });
    await notify(tx, [
      { memberId: closed.reporter_id, kind: 'report-handled', actorId: admin.id, data: { message: true, resolution: input.resolution } },
    ]);
  });
  return toReport((await repo.findReport(db, row.id))!);
}
