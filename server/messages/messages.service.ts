import type { Kysely } from 'kysely';
import type { BodyFormat, Database, SiteRole } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import { announceToMembers, announceUnreadChanged } from '../events/member-events';
import type { Limiter } from '../limits/limiter';
import type { Pace } from '../limits/paced';
import { checkName } from '../members/names';
import { resolveQuotes } from '../posts/posts.quotes';
import { authorize } from '../policy/policy';
import { activeSiteBan } from '../policy/policy.repository';
import type { TextCache } from '../caches';
import { utf8Bytes, writtenBytes } from '../text/bytes';
import { detectVariant } from '../text/convert';
import { htmlFor, shownOn } from '../text/localize';
import { unpinned } from '../text/pins';
import { renderBody } from '../text/formats';
import { checkTitle } from '../text/title';
import type { SourceVariant, Variant } from '../variants';
import * as repo from './messages.repository';
import { countMessage } from '../metrics/metrics';

/**
 * 悄悄話 (private messages) between two members: one conversation per pair, each message with its
 * own title. Private by construction: every read goes through a repository query that names the
 * member reading and keeps only their own side (repo.findMessageFor), so a moderator or admin is
 * no different from any other member, and what is not theirs answers exactly as what is not there
 * (MessageNotFound, the same 404 and body whatever the id).
 */

/** A message as pages and the API see it (from the viewer's side). */
export interface Message {
  id: string;
  conversationId: string;
  from: { name: string; role: SiteRole };
  to: { name: string; role: SiteRole };
  title: string;
  /** Sanitized HTML; '' for a title-only message. */
  body: string;
  bytes: number;
  variant: SourceVariant;
  /** The post it was written from (a link back); its title '' once that post is deleted. */
  /** The post quoted, and its board (whose glossary its title is shown by). */
  quotedPost: { id: string; title: string; variant: SourceVariant; boardId: string | null } | null;
  createdAt: Date;
  /** When the recipient read it (null: unread). */
  readAt: Date | null;
  /** True when the viewer sent it, false when they received it. */
  sent: boolean;
}

/** What a member writes. */
export interface MessageInput {
  /** The addressee's name. */
  to: string;
  title: string;
  body?: string;
  /** What the body is written in (text/formats.ts); absent: text, what you type is what you get. */
  format?: BodyFormat;
  /** The post the message was written from, quoted as a link back to it. */
  postId?: string;
}

/** A page of messages, newest first, and the cursor of the next (older) page, if any. */
export interface MessagePage {
  messages: Message[];
  nextCursor: string | null;
}

/** Largest stored message body, in UTF-8 bytes (a post's is 100,000). A longer one is refused, never cut. */
export const MESSAGE_BODY_MAX_BYTES = 20_000;

/** Messages on a page of a box or conversation. */
export const MESSAGES_PAGE = 30;

/** The one refusal of a message that is not the viewer's, or not there: nothing tells them apart. */
export const messageNotFound = () => notFound('MessageNotFound', 'There is no such message.');

/** A message row as the viewer sees it. */
export function toMessage(row: repo.MessageWithNamesRow, viewerId: string): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    from: { name: row.sender_name, role: row.sender_role },
    to: { name: row.recipient_name, role: row.recipient_role },
    title: row.title,
    body: row.body,
    bytes: row.bytes,
    variant: row.variant,
    quotedPost:
      row.quoted_post_id === null
        ? null
        : {
            id: row.quoted_post_id,
            title: row.quoted_deleted_at ? '' : (row.quoted_title ?? ''),
            variant: row.quoted_variant ?? 'other',
            boardId: row.quoted_board_id,
          },
    createdAt: row.created_at,
    readAt: row.read_at,
    sent: row.sender_id === viewerId,
  };
}

/**
 * A message body rendered as it is stored: in its format (text when none is given), through the
 * allowlist, as a post's body is (text/formats.ts renderBody). The byte count is the source's, as a
 * post's "(N bytes)" is; the limit holds for the source as written and for the HTML stored.
 */
export function renderMessageBody(format: BodyFormat, input: string) {
  const { html: body, source } = renderBody(format, input);
  // The limit is on what is stored; "(N bytes)" counts what is read as written, as a post's does:
  // a pin as its first alternative, never its syntax (text/bytes.ts writtenBytes).
  const stored = Math.max(utf8Bytes(source), utf8Bytes(body));
  const bytes = writtenBytes(source);
  if (stored > MESSAGE_BODY_MAX_BYTES) {
    throw new AppError(413, 'PayloadTooLarge', `The message is ${stored} bytes; the limit is ${MESSAGE_BODY_MAX_BYTES}. Shorten it.`, {
      params: { what: 'message', bytes: stored, limit: MESSAGE_BODY_MAX_BYTES },
    });
  }
  return { body, source, bytes };
}

/**
 * Renders every stored 悄悄話 again from what its sender wrote (after the sanitizer's rules or a
 * format's rendering change), as posts:resanitize does posts (posts.body.ts resanitizeAll), and
 * stores the result where it differs, its quotes attributed again. A message from before formats
 * that was HTML is its own source, so it is sanitized again. Stored messages were accepted once:
 * no limit is checked again. Returns how many bodies changed.
 */
export async function resanitizeMessages(db: Kysely<Database>, onProgress: (done: number, total: number) => void): Promise<number> {
  const total = await repo.countMessages(db);
  let done = 0;
  let changed = 0;
  for (let after = '0'; ;) {
    const batch = await repo.findMessageBodies(db, after, 500);
    if (batch.length === 0) break;
    for (const row of batch) {
      const { html, source } = renderBody(row.format, row.source);
      const { body } = await resolveQuotes(db, html);
      if (body === row.body) continue;
      if (await repo.updateMessageBodyIfUnchanged(db, row.id, row.body, { body, bytes: writtenBytes(source), source })) changed++;
    }
    done += batch.length;
    after = batch[batch.length - 1]!.id;
    onProgress(done, total);
  }
  if (total === 0) onProgress(0, 0);
  return changed;
}

/** Validates and renders a title and body as posts are (title rules, then renderMessageBody). */
export function prepareMessage(input: { title: string; body?: string; format?: BodyFormat }) {
  const title = checkTitle(input.title);
  if (!title.ok) throw validationFailed('title', title.invalid, `title: ${title.reason}`);
  const format = input.format ?? 'text';
  const { body, source, bytes } = renderMessageBody(format, input.body ?? '');
  return {
    title: title.title,
    body,
    bytes,
    format,
    source,
    variant: detectVariant(unpinned(`${title.title}\n${body.replace(/<[^>]*>/g, ' ')}`)),
  };
}

/**
 * A message body as sending it would store it, for its preview (POST /api/messages/preview, the
 * form's preview button): rendered by renderMessageBody, its quotes attributed as sendMessage
 * attributes them, and, for a reader of another variant, converted as the message would be shown
 * to them. Nothing is written; the title is not checked (only its script counts).
 */
export async function previewMessage(
  db: Kysely<Database>,
  input: { title?: string; body?: string; format?: BodyFormat },
  reader: Variant | undefined,
  /** The app's conversion cache: a 悄悄話 is on no board, so the site's glossary applies (text/localize.ts). */
  conversions: TextCache,
): Promise<{ html: string; bytes: number }> {
  const { body, bytes } = renderMessageBody(input.format ?? 'text', input.body ?? '');
  const html = body ? (await resolveQuotes(db, body)).body : '';
  const on = shownOn(conversions, null);
  // As written, pins read as their first alternative, as a sent message's do.
  if (!reader || !html) return { html: htmlFor(on, html, 'other', undefined), bytes };
  const variant = detectVariant(unpinned(`${input.title ?? ''}\n${html.replace(/<[^>]*>/g, ' ')}`));
  return { html: htmlFor(on, html, variant, reader), bytes };
}

/**
 * The addressee of a message from `sender`: an existing member (404 MemberNotFound), not the
 * sender (CannotMessage self), not a deleted account (CannotMessage deletedAccount), who does not
 * ignore the sender (MessageRefused, worded so that it never says why).
 */
export async function findAddressee(db: Kysely<Database>, sender: Member, name: string) {
  const checked = checkName(name.trim());
  const row = checked.ok ? await repo.findRecipientByKey(db, checked.key) : undefined;
  if (!row) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  if (row.id === sender.id) {
    throw new AppError(400, 'CannotMessage', 'You cannot send a private message to yourself.', { params: { reason: 'self' } });
  }
  if (row.deleted_at) {
    throw new AppError(410, 'CannotMessage', 'That account was deleted: it takes no private messages.', {
      params: { reason: 'deletedAccount' },
    });
  }
  if (await repo.ignores(db, row.id, sender.id)) {
    throw new AppError(403, 'MessageRefused', 'This member does not take private messages from you.');
  }
  return { id: row.id, name: row.name, role: row.role };
}

/** The post a message quotes: a post that is there (404 PostNotFound otherwise). */
export async function findQuotedPost(db: Kysely<Database>, postId: string) {
  if (!isId(postId)) throw validationFailed('postId', { kind: 'format' }, 'postId: a post id (digits).');
  const post = await repo.findQuotablePost(db, postId);
  if (!post) throw notFound('PostNotFound', `There is no post ${postId}.`, { params: { id: postId } });
  return post;
}

/**
 * Spends the sender's allowance: a first message to someone starts a conversation (so many a day),
 * and every message is paced (the sender's and their address's windows, stricter for a new member).
 */
async function spendAllowance(db: Kysely<Database>, limiter: Limiter, pace: Pace, sender: Member, recipientId: string): Promise<void> {
  if (!(await repo.findConversation(db, sender.id, recipientId))) await limiter.consume('conversation:member', sender.id);
  await pace('message');
}

/**
 * Sends a 悄悄話. Checked before anything is written: the content, the addressee, the quoted post,
 * a site-wide ban, then the limits. The message, its conversation and its announcement to the
 * addressee's live pages are written in one transaction (the NOTIFY carries ids only, on commit).
 */
export async function sendMessage(
  db: Kysely<Database>,
  limiter: Limiter,
  pace: Pace,
  sender: Member,
  input: MessageInput,
): Promise<Message> {
  const prepared = prepareMessage(input);
  // A quote's attribution names the quoted post's real author (posts.quotes.ts); a 悄悄話 notifies nobody it quotes.
  const content = { ...prepared, body: (await resolveQuotes(db, prepared.body)).body };
  const to = await findAddressee(db, sender, input.to);
  const quoted = input.postId ? await findQuotedPost(db, input.postId) : undefined;
  authorize({ member: sender, role: 'member', ban: await activeSiteBan(db, sender.id) }, 'post', null);
  await spendAllowance(db, limiter, pace, sender, to.id);
  const id = await db.transaction().execute(async (tx) => {
    const conversationId = await repo.upsertConversation(tx, sender.id, to.id);
    const messageId = await repo.insertMessage(tx, {
      conversationId,
      senderId: sender.id,
      recipientId: to.id,
      ...content,
      quotedPostId: quoted?.id ?? null,
    });
    await announceToMembers(tx, [{ memberId: to.id, kind: 'message', id: messageId }]);
    return messageId;
  });
  countMessage();
  return getMessage(db, sender, id);
}

/** A message the member may read (any other id, well-formed or not, is MessageNotFound). */
export async function getMessage(db: Kysely<Database>, member: Member | null, id: string): Promise<Message> {
  const row = member && isId(id) ? await repo.findMessageFor(db, member.id, id) : undefined;
  if (!row) throw messageNotFound();
  return toMessage(row, member!.id);
}

/** A message opened on its page: read from now on, if the member received it. */
export async function openMessage(db: Kysely<Database>, member: Member | null, id: string): Promise<Message> {
  const message = await getMessage(db, member, id);
  if (message.sent || message.readAt) return message;
  await db.transaction().execute(async (tx) => {
    await repo.setRead(tx, message.id, member!.id, true);
    await announceUnreadChanged(tx, member!.id);
  });
  return getMessage(db, member, id);
}

/**
 * Marks a received message read or unread. The read mark is the recipient's: on a message the
 * member sent, it changes nothing.
 */
export async function setRead(db: Kysely<Database>, member: Member | null, id: string, read: boolean): Promise<Message> {
  const message = await getMessage(db, member, id);
  if (message.sent) return message;
  await db.transaction().execute(async (tx) => {
    await repo.setRead(tx, message.id, member!.id, read);
    await announceUnreadChanged(tx, member!.id);
  });
  return getMessage(db, member, id);
}

/** Deletes a message on the member's side only; the other side keeps theirs. */
export async function deleteMessage(db: Kysely<Database>, member: Member | null, id: string): Promise<void> {
  const message = await getMessage(db, member, id);
  await db.transaction().execute(async (tx) => {
    await repo.deleteOnSide(tx, message.id, member!.id, message.sent ? 'sender' : 'recipient');
    // An unread message deleted unread leaves the count.
    if (!message.sent && !message.readAt) await announceUnreadChanged(tx, member!.id);
  });
}

/** A keyset cursor: the id of the last message of the previous page. */
export function checkCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (!isId(cursor)) throw validationFailed('cursor', { kind: 'format' }, 'cursor: the nextCursor of the previous page.');
  return cursor;
}

/** Rows fetched one beyond the page: the page, and the cursor of the next one when there is more. */
function toPage(rows: repo.MessageWithNamesRow[], viewerId: string): MessagePage {
  const more = rows.length > MESSAGES_PAGE;
  const messages = rows.slice(0, MESSAGES_PAGE).map((r) => toMessage(r, viewerId));
  return { messages, nextCursor: more ? messages[messages.length - 1]!.id : null };
}

/** A page of the member's inbox or sent box, newest first. */
export async function listBox(db: Kysely<Database>, member: Member, box: 'inbox' | 'sent', cursor?: string): Promise<MessagePage> {
  return toPage(await repo.findBox(db, member.id, box, checkCursor(cursor), MESSAGES_PAGE + 1), member.id);
}

/** A conversation page: the other member and the messages of the pair the member still has. */
export interface Conversation extends MessagePage {
  other: { id: string; name: string; role: SiteRole };
}

/**
 * The member's conversation with `name`, newest first (all the pair's messages still on the
 * member's side). Opening it marks the received messages it shows as read.
 */
export async function conversationWith(db: Kysely<Database>, member: Member, name: string, cursor?: string): Promise<Conversation> {
  const checked = checkName(name);
  const other = checked.ok ? await repo.findRecipientByKey(db, checked.key) : undefined;
  if (!other) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  const conversation = other.id === member.id ? undefined : await repo.findConversation(db, member.id, other.id);
  const page = conversation
    ? toPage(await repo.findConversationPage(db, conversation.id, member.id, checkCursor(cursor), MESSAGES_PAGE + 1), member.id)
    : { messages: [], nextCursor: null };
  const unread = page.messages.filter((m) => !m.sent && !m.readAt).map((m) => m.id);
  if (unread.length > 0) {
    await db.transaction().execute(async (tx) => {
      await repo.markManyRead(tx, unread, member.id);
      await announceUnreadChanged(tx, member.id);
    });
  }
  return { ...page, other: { id: other.id, name: other.name, role: other.role } };
}

/** The latest messages of a message's conversation on the member's side (shown under the message). */
export async function latestOfConversation(db: Kysely<Database>, member: Member, message: Message, limit = 10): Promise<Message[]> {
  const rows = await repo.findConversationPage(db, message.conversationId, member.id, undefined, limit);
  return rows.map((r) => toMessage(r, member.id));
}
