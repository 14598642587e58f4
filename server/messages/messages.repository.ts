import { type ExpressionBuilder, sql } from 'kysely';
import type { BodyFormat, Database, Db, MessageReportResolution, SiteRole } from '../db/database';
import type { SourceVariant } from '../variants';

/**
 * 悄悄話: SQL only. Every read of a message names the member reading it and keeps only what is
 * theirs (sent by them and not deleted on their side, or sent to them and not deleted on theirs):
 * no query here returns a message without a party, except the admin's read through a report.
 */

/** A message with its two members' names and the post it quotes, as the service maps it. */
export interface MessageWithNamesRow {
  id: string;
  conversation_id: string;
  sender_id: string;
  recipient_id: string;
  title: string;
  body: string;
  bytes: number;
  variant: SourceVariant;
  created_at: Date;
  read_at: Date | null;
  sender_name: string;
  sender_role: SiteRole;
  recipient_name: string;
  recipient_role: SiteRole;
  quoted_post_id: string | null;
  quoted_title: string | null;
  quoted_variant: SourceVariant | null;
  quoted_board_id: string | null;
  quoted_deleted_at: Date | null;
}

type Eb = ExpressionBuilder<Database & { m: Database['messages'] }, 'm'>;

/** The messages `viewerId` may read: theirs, on their side, not deleted there. */
const visibleTo = (viewerId: string) => (eb: Eb) =>
  eb.or([
    eb.and([eb('m.sender_id', '=', viewerId), eb('m.sender_deleted_at', 'is', null)]),
    eb.and([eb('m.recipient_id', '=', viewerId), eb('m.recipient_deleted_at', 'is', null)]),
  ]);

/** Messages joined with their members' names and the quoted post (a select to add conditions to). */
function selectMessages(db: Db) {
  return db
    .selectFrom('messages as m')
    .innerJoin('users as s', 's.id', 'm.sender_id')
    .innerJoin('users as r', 'r.id', 'm.recipient_id')
    .leftJoin('posts as p', 'p.id', 'm.quoted_post_id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.sender_id',
      'm.recipient_id',
      'm.title',
      'm.body',
      'm.bytes',
      'm.variant',
      'm.created_at',
      'm.read_at',
      's.name as sender_name',
      's.role as sender_role',
      'r.name as recipient_name',
      'r.role as recipient_role',
      'm.quoted_post_id',
      'p.title as quoted_title',
      'p.variant as quoted_variant',
      'p.board_id as quoted_board_id',
      'p.deleted_at as quoted_deleted_at',
    ]);
}

/** Message `id` if `viewerId` may read it (a party, not deleted on their side). */
export function findMessageFor(db: Db, viewerId: string, id: string): Promise<MessageWithNamesRow | undefined> {
  return selectMessages(db).where('m.id', '=', id).where(visibleTo(viewerId)).executeTakeFirst();
}

/** Message `id` if it was sent to `recipientId` and they have not deleted it (live delivery). */
export function findReceivedMessage(db: Db, recipientId: string, id: string): Promise<MessageWithNamesRow | undefined> {
  return selectMessages(db)
    .where('m.id', '=', id)
    .where('m.recipient_id', '=', recipientId)
    .where('m.recipient_deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * One page of a member's inbox or sent box, newest first: `limit` messages with ids below
 * `before` (keyset: an index range scan on messages_inbox_idx / messages_sent_idx).
 */
export function findBox(db: Db, memberId: string, box: 'inbox' | 'sent', before: string | undefined, limit: number) {
  return selectMessages(db)
    .$if(box === 'inbox', (q) => q.where('m.recipient_id', '=', memberId).where('m.recipient_deleted_at', 'is', null))
    .$if(box === 'sent', (q) => q.where('m.sender_id', '=', memberId).where('m.sender_deleted_at', 'is', null))
    .$if(before !== undefined, (q) => q.where('m.id', '<', before!))
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
}

/** One page of a conversation as `viewerId` sees it, newest first, ids below `before`. */
export function findConversationPage(db: Db, conversationId: string, viewerId: string, before: string | undefined, limit: number) {
  return selectMessages(db)
    .where('m.conversation_id', '=', conversationId)
    .where(visibleTo(viewerId))
    .$if(before !== undefined, (q) => q.where('m.id', '<', before!))
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
}

/** The conversation of a pair (ids in either order), if they ever wrote to each other. */
export function findConversation(db: Db, a: string, b: string) {
  const [low, high] = pairOf(a, b);
  return db.selectFrom('conversations').select(['id']).where('member_low', '=', low).where('member_high', '=', high).executeTakeFirst();
}

/** The conversation of a pair, created if new, its last activity now. */
export async function upsertConversation(db: Db, a: string, b: string): Promise<string> {
  const [low, high] = pairOf(a, b);
  const row = await db
    .insertInto('conversations')
    .values({ member_low: low, member_high: high })
    .onConflict((oc) => oc.constraint('conversations_pair_key').doUpdateSet({ last_message_at: sql<Date>`now()` }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A pair's ids as the conversations table orders them (member_low < member_high, as numbers). */
function pairOf(a: string, b: string): [string, string] {
  return BigInt(a) < BigInt(b) ? [a, b] : [b, a];
}

/** Writes a message; returns its id. */
export async function insertMessage(
  db: Db,
  m: {
    conversationId: string;
    senderId: string;
    recipientId: string;
    title: string;
    body: string;
    bytes: number;
    format: BodyFormat;
    source: string;
    variant: SourceVariant;
    quotedPostId: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('messages')
    .values({
      conversation_id: m.conversationId,
      sender_id: m.senderId,
      recipient_id: m.recipientId,
      title: m.title,
      body: m.body,
      bytes: m.bytes,
      format: m.format,
      source: m.source,
      variant: m.variant,
      quoted_post_id: m.quotedPostId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** How many messages are stored (posts:resanitize's progress). */
export async function countMessages(db: Db): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Up to `limit` messages' bodies after `afterId`, in id order, with what was written (a null source: the body is its own). */
export function findMessageBodies(db: Db, afterId: string, limit: number) {
  return db
    .selectFrom('messages')
    .select(['id', 'body', 'format'])
    .select(sql<string>`coalesce(messages.source, messages.body)`.as('source'))
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Stores a message's body rendered again, unless it changed meanwhile; answers whether it did. */
export async function updateMessageBodyIfUnchanged(
  db: Db,
  id: string,
  was: string,
  m: { body: string; bytes: number; source: string },
): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ body: m.body, bytes: m.bytes, source: m.source })
    .where('id', '=', id)
    .where('body', '=', was)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The recipient's read mark on one message: set (kept if already set) or cleared. */
export async function setRead(db: Db, id: string, recipientId: string, read: boolean): Promise<void> {
  await db
    .updateTable('messages')
    .set({ read_at: read ? sql<Date>`coalesce(read_at, now())` : null })
    .where('id', '=', id)
    .where('recipient_id', '=', recipientId)
    .where('recipient_deleted_at', 'is', null)
    .execute();
}

/** Marks read those of `ids` that were sent to `recipientId` and are unread. */
export async function markManyRead(db: Db, ids: readonly string[], recipientId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('messages')
    .set({ read_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('recipient_id', '=', recipientId)
    .where('read_at', 'is', null)
    .execute();
}

/**
 * Deletes a message on `memberId`'s side only. Once both sides deleted it, the row itself goes,
 * unless it was reported: the admins may still need to read it.
 */
export async function deleteOnSide(db: Db, id: string, memberId: string, side: 'sender' | 'recipient'): Promise<void> {
  const column = side === 'sender' ? 'sender_deleted_at' : 'recipient_deleted_at';
  const party = side === 'sender' ? 'sender_id' : 'recipient_id';
  await db
    .updateTable('messages')
    .set({ [column]: sql<Date>`now()` })
    .where('id', '=', id)
    .where(party, '=', memberId)
    .where(column, 'is', null)
    .execute();
  await db
    .deleteFrom('messages')
    .where('id', '=', id)
    .where('sender_deleted_at', 'is not', null)
    .where('recipient_deleted_at', 'is not', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('message_reports').select('id').where('message_id', '=', id))))
    .execute();
}

/** A member as a message's addressee: their id, name, role, and whether the account is deleted. */
export function findRecipientByKey(db: Db, nameKey: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'deleted_at']).where('name_key', '=', nameKey).executeTakeFirst();
}

/** True when `memberId` ignores `ignoredId`. */
export async function ignores(db: Db, memberId: string, ignoredId: string): Promise<boolean> {
  const row = await db
    .selectFrom('ignores')
    .select('member_id')
    .where('member_id', '=', memberId)
    .where('ignored_id', '=', ignoredId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A post that may be quoted: its id, title and script, when it is there and not deleted. */
export function findQuotablePost(db: Db, id: string) {
  return db
    .selectFrom('posts')
    .select(['id', 'title', 'variant', 'board_id'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Reports message `messageId` (once per reporter); undefined when they had already. */
export function insertReport(db: Db, messageId: string, reporterId: string, reason: string) {
  return db
    .insertInto('message_reports')
    .values({ message_id: messageId, reporter_id: reporterId, reason })
    .onConflict((oc) => oc.constraint('message_reports_once').doNothing())
    .returning(['id', 'created_at'])
    .executeTakeFirst();
}

/** A message report with who reported, who sent the message, and how it was closed. */
function selectReports(db: Db) {
  return db
    .selectFrom('message_reports as mr')
    .innerJoin('messages as m', 'm.id', 'mr.message_id')
    .innerJoin('users as reporter', 'reporter.id', 'mr.reporter_id')
    .innerJoin('users as sender', 'sender.id', 'm.sender_id')
    .leftJoin('users as resolver', 'resolver.id', 'mr.resolved_by')
    .select([
      'mr.id',
      'mr.message_id',
      'mr.reporter_id',
      'mr.reason',
      'mr.created_at',
      'mr.resolved_at',
      'mr.resolution',
      'reporter.name as reporter_name',
      'sender.name as sender_name',
      'resolver.name as resolver_name',
    ]);
}

/** Open message reports, oldest first (at most `limit`). */
export function findOpenReports(db: Db, limit: number) {
  return selectReports(db).where('mr.resolved_at', 'is', null).orderBy('mr.created_at').orderBy('mr.id').limit(limit).execute();
}

/** One message report (open or closed). */
export function findReport(db: Db, id: string) {
  return selectReports(db).where('mr.id', '=', id).executeTakeFirst();
}

/** The reported message itself, for the admin reading it through its report (no party check). */
export function findReportedMessage(db: Db, messageId: string): Promise<MessageWithNamesRow | undefined> {
  return selectMessages(db).where('m.id', '=', messageId).executeTakeFirst();
}

/** Logs an admin's reading of a reported message. */
export async function insertReportRead(db: Db, reportId: string, adminId: string): Promise<void> {
  await db.insertInto('message_report_reads').values({ report_id: reportId, admin_id: adminId }).execute();
}

/** Every logged reading of a report, newest first. */
export function findReportReads(db: Db, reportId: string) {
  return db
    .selectFrom('message_report_reads as rr')
    .innerJoin('users as u', 'u.id', 'rr.admin_id')
    .select(['u.name', 'rr.at'])
    .where('rr.report_id', '=', reportId)
    .orderBy('rr.id', 'desc')
    .limit(50)
    .execute();
}

/** Closes an open report; undefined when it was closed already. */
export function resolveReport(db: Db, id: string, adminId: string, resolution: MessageReportResolution) {
  return db
    .updateTable('message_reports')
    .set({ resolved_at: sql<Date>`now()`, resolved_by: adminId, resolution })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .returning(['id', 'reporter_id'])
    .executeTakeFirst();
}
