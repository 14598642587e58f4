import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { AppError, validationFailed } from '../errors';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import { unreadCounts } from '../members/unread.repository';
import { asksPreview, formFormat, formatField, linkedForPage, previewInput } from '../posts/posts.preview';
import { shownOn, textFor } from '../text/localize';
import { VARIANTS, type Variant } from '../variants';
import { ownPageContext } from '../views/layout';
import { adminReportRoutes } from './messages.admin.routes';
import type { MessagesDeps } from './messages.deps';
import { allInVariant, messageInVariant, presentMessage, titlesInVariant } from './messages.presenter';
import * as reports from './messages.reports';
import * as messages from './messages.service';
import { type MessageFormState, boxPage, composePage, conversationPage, messagePage, replyTitle } from './messages.views';

/** A 悄悄話 as sent, from the API or a form. */
const messageInput = z.object({
  /** The addressee's name. */
  to: z.string({ error: 'the name of a member (a string)' }).min(1, 'the name of a member').max(200, 'is far too long'),
  /** Plain text, checked by the service as post titles are. */
  title: z.string({ error: 'a title is required (a string)' }).max(2000, 'is far too long'),
  /** Written in `format`, rendered and sanitized on write; empty or absent for a title-only message. */
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
  /** text (the default, for the API too), markdown, or html (the API's; forms offer text and markdown). */
  format: formatField,
  /** The post the message was written from (a form sends '' for none). */
  postId: z
    .union([z.string(), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)], { error: 'must be a post id' })
    .transform((v) => (v === '' ? undefined : String(v)))
    .optional(),
});

/**
 * Parses a message; a refusal of `to` is worded as the recipient's (the catalogs' `to` is the
 * script switch's parameter).
 */
function parseMessage(body: unknown): messages.MessageInput {
  try {
    return parseInput(messageInput, body);
  } catch (error) {
    if (error instanceof AppError && error.code === 'ValidationFailed') {
      const params = (error as AppError<'ValidationFailed'>).params;
      if (params.field === 'to') throw validationFailed('recipient', params.invalid, error.message);
    }
    throw error;
  }
}

const variant = z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional();

const listQuery = z.object({
  /** inbox (messages to the member) or sent. */
  box: z.enum(['inbox', 'sent'], { error: 'must be inbox or sent' }).default('inbox'),
  /** The previous page's nextCursor. */
  cursor: z.string().optional(),
  variant,
});

const variantQuery = z.object({ variant });
const cursorQuery = z.object({ cursor: z.string().optional() });
const readInput = z.object({ read: z.boolean({ error: 'must be true or false' }) });
const readForm = z.object({ read: z.enum(['0', '1'], { error: 'must be 0 or 1' }) });
const reportInput = z.object({ reason: z.string({ error: 'say what is wrong (a string)' }).max(2000, 'is too long') });
const composeQuery = z.object({ to: z.string().max(200).optional(), post: z.string().max(40).optional() });

/** 悄悄話: the JSON API, the pages and forms, and the admins' pages for message reports. */
export function messagesRouter(deps: MessagesDeps): Router {
  const router = Router();
  // A member's 悄悄話 are theirs alone: their pages show times in the member's own time zone.
  const own = { ...deps, pageContext: (req: Request) => ownPageContext(deps.pageContext(req)) };
  apiRoutes(router, deps);
  pageRoutes(router, own);
  formRoutes(router, own);
  adminReportRoutes(router, deps);
  return router;
}

/**
 * The message the request names, if the member may read it: every route that takes an id asks
 * this first, so that anyone else (not logged in, another member, a moderator, an admin) gets
 * MessageNotFound for every id before anything else is looked at.
 */
const visibleMessage = (db: Kysely<Database>, req: Request<{ id: string }>) => messages.getMessage(db, req.member ?? null, req.params.id);

/** `/api/messages…`: send, list, read one, mark read, delete on one's side, report. */
function apiRoutes(router: Router, { db, limiter, pacing, caches }: MessagesDeps): void {
  router.post('/api/messages', async (req, res) => {
    const member = requireMember(req);
    const message = await messages.sendMessage(db, limiter, pacing(member, req.ip ?? ''), member, parseMessage(req.body));
    res
      .status(201)
      .location(`/messages/${message.id}`)
      .json({ message: presentMessage(message) });
  });

  // The composer's preview of a 悄悄話 (client/composer.preview.ts): rendered as sending it would
  // store it, on the members' preview allowance, as a post's preview is (posts.preview.ts).
  router.post('/api/messages/preview', async (req, res) => {
    const member = requireMember(req);
    await limiter.consume('preview:member', member.id);
    const { variant, prefixed, title, body, format } = parseInput(previewInput, req.body);
    const { html, bytes } = await messages.previewMessage(db, { title, body, format }, variant, caches.conversions);
    res.set('Cache-Control', 'private, no-store').json({ html: linkedForPage(html, variant, prefixed), bytes });
  });

  router.get('/api/messages', async (req, res) => {
    const member = requireMember(req);
    const query = parseInput(listQuery, req.query);
    const page = await messages.listBox(db, member, query.box, query.cursor);
    res.json({
      messages: allInVariant(caches.conversions, page.messages, query.variant).map(presentMessage),
      nextCursor: page.nextCursor,
      unread: await unreadCounts(db, member.id),
    });
  });

  router.get('/api/messages/:id', async (req, res) => {
    const message = await visibleMessage(db, req);
    const query = parseInput(variantQuery, req.query);
    res.json({ message: presentMessage(messageInVariant(caches.conversions, message, query.variant)) });
  });

  router.post('/api/messages/:id/read', async (req, res) => {
    await visibleMessage(db, req);
    const { read } = parseInput(readInput, req.body);
    res.json({ message: presentMessage(await messages.setRead(db, req.member, req.params.id, read)) });
  });

  router.delete('/api/messages/:id', async (req, res) => {
    await visibleMessage(db, req);
    await messages.deleteMessage(db, req.member, req.params.id);
    res.json({ ok: true });
  });

  router.post('/api/messages/:id/report', async (req, res) => {
    await visibleMessage(db, req);
    const report = await reports.reportMessage(db, req.member, req.params.id, parseInput(reportInput, req.body));
    res
      .status(201)
      .json({ report: { id: report.id, messageId: report.messageId, reason: report.reason, createdAt: report.createdAt.toISOString() } });
  });
}

/** The member's header counts again, after a page changed them (a message opened and read). */
async function refreshUnread(db: Kysely<Database>, req: Request): Promise<void> {
  if (req.member) req.unread = await unreadCounts(db, req.member.id);
}

/** What a message form shows above itself, posted back: the refusal of a send, or the preview asked for. */
type Shown = Pick<MessageFormState, 'refusal' | 'preview'>;

/**
 * The composer, addressed as asked and quoting post `values.postId` when it can be quoted (its
 * title, in the reader's script, is the message's title to start from); a refused send, or a
 * preview (the form's preview button without JavaScript), shows it again with what the member typed.
 */
async function composer(deps: MessagesDeps, req: Request, values: MessageFormState['values'], shown: Shown = {}) {
  const ctx = deps.pageContext(req);
  const quoted = values.postId ? await messages.findQuotedPost(deps.db, values.postId).catch(() => undefined) : undefined;
  const title = quoted ? textFor(shownOn(deps.caches.conversions, quoted.board_id), quoted.title, quoted.variant, req.variant) : undefined;
  const form = { values: { ...values, postId: quoted?.id, title: values.title ?? (title ? replyTitle(ctx, title) : undefined) }, ...shown };
  return composePage(ctx, form, quoted ? { id: quoted.id, title: title! } : null);
}

/** The pages: the boxes (and the composer that `/messages?to=` has always opened), a message, a conversation. */
function pageRoutes(router: Router, deps: MessagesDeps): void {
  const { db, caches, pageContext } = deps;

  router.get('/messages', async (req, res) => {
    const member = requireMember(req);
    if (req.query.to !== undefined) {
      const { to, post } = parseInput(composeQuery, { to: req.query.to, post: req.query.post });
      return void res.send(await composer(deps, req, { to, postId: post }));
    }
    const query = parseInput(listQuery, req.query);
    const page = await messages.listBox(db, member, query.box, query.cursor);
    res.send(
      boxPage(
        pageContext(req),
        query.box,
        { ...page, messages: titlesInVariant(caches.conversions, page.messages, req.variant) },
        !!query.cursor,
      ),
    );
  });

  router.get('/messages/new', async (req, res) => {
    requireMember(req);
    const { to, post } = parseInput(composeQuery, req.query);
    res.send(await composer(deps, req, { to, postId: post }));
  });

  router.get('/messages/with/:name', async (req, res) => {
    const member = requireMember(req);
    const { cursor } = parseInput(cursorQuery, req.query);
    const c = await messages.conversationWith(db, member, req.params.name, cursor);
    await refreshUnread(db, req);
    res.send(conversationPage(pageContext(req), { ...c, messages: allInVariant(caches.conversions, c.messages, req.variant) }, !!cursor));
  });

  router.get('/messages/:id', async (req, res) => {
    const message = await messages.openMessage(db, req.member ?? null, req.params.id);
    await refreshUnread(db, req);
    res.send(await messageHtml(deps, req, message, { notice: req.query.reported === '1' ? 'reported' : undefined }));
  });
}

/** A message's page: the message and its conversation's latest, in the reader's variant. */
async function messageHtml(deps: MessagesDeps, req: Request, message: messages.Message, state: Parameters<typeof messagePage>[3]) {
  const latest = await messages.latestOfConversation(deps.db, req.member!, message);
  const { conversions } = deps.caches;
  return messagePage(
    deps.pageContext(req),
    messageInVariant(conversions, message, req.variant),
    titlesInVariant(conversions, latest, req.variant),
    state,
  );
}

/** The forms: send (from the composer, a message or a conversation), mark read/unread, delete, report. */
function formRoutes(router: Router, deps: MessagesDeps): void {
  const { db, limiter, pacing } = deps;

  router.post('/messages', async (req: Request, res: Response) => {
    const member = requireMember(req);
    const field = (name: string) => formText(req.body, name);
    const values = () => ({
      to: field('to'),
      title: field('title') ?? '',
      body: field('body'),
      format: formFormat(req.body),
      postId: field('postId'),
    });
    try {
      if (asksPreview(req.body)) {
        await limiter.consume('preview:member', member.id);
        const { title, body, format } = parseInput(previewInput, req.body);
        const preview = await messages.previewMessage(db, { title, body, format }, req.variant, deps.caches.conversions);
        res.set('Cache-Control', 'private, no-store').send(await composer(deps, req, values(), { preview }));
        return;
      }
      const message = await messages.sendMessage(db, limiter, pacing(member, req.ip ?? ''), member, parseMessage(req.body));
      res.redirect(303, `${req.variantPrefix}/messages/${message.id}`);
    } catch (error) {
      await refusedForm(res, error, (refusal) => composer(deps, req, values(), { refusal }));
    }
  });

  router.post('/messages/:id/read', async (req: Request<{ id: string }>, res: Response) => {
    const message = await visibleMessage(db, req);
    const { read } = parseInput(readForm, req.body);
    await messages.setRead(db, req.member, message.id, read === '1');
    // Marked unread: back to the box (opening the message again would mark it read).
    res.redirect(303, `${req.variantPrefix}${read === '1' ? `/messages/${message.id}` : '/messages'}`);
  });

  router.post('/messages/:id/delete', async (req: Request<{ id: string }>, res: Response) => {
    const message = await visibleMessage(db, req);
    await messages.deleteMessage(db, req.member, message.id);
    res.redirect(303, `${req.variantPrefix}/messages${message.sent ? '?box=sent' : ''}`);
  });

  router.post('/messages/:id/report', async (req: Request<{ id: string }>, res: Response) => {
    const message = await visibleMessage(db, req);
    try {
      await reports.reportMessage(db, req.member, message.id, parseInput(reportInput, req.body));
      res.redirect(303, `${req.variantPrefix}/messages/${message.id}?reported=1`);
    } catch (error) {
      await refusedForm(res, error, (refusal) => messageHtml(deps, req, message, { refusal }));
    }
  });
}
