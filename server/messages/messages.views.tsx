import { MemberLink, memberName } from '../views/member';
import type { BodyFormat } from '../db/database';
import type { Variant } from '../variants';
import {
  ComposerStatus,
  FormatHint,
  FormatSelect,
  type FormPreview,
  PreviewBox,
  PreviewButton,
  Toolbar,
  composerData,
  textareaText,
} from '../views/composer';
import type { AppError } from '../errors';
import { type LinkContext, href } from '../http/paths';
import { mapBodyLinks } from '../text/sanitize';
import { TITLE_MAX } from '../text/title';
import { ActionButton } from '../views/buttons';
import { Fragment, type SafeHtml, h, trustedHtml } from '../views/html';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { Conversation, Message, MessagePage } from './messages.service';

/**
 * The 悄悄話 pages: the inbox and sent box, the composer, a message in its conversation, and the
 * whole conversation with one member. One partial per message line (MessageLine) and one per
 * message in full (MessageArticle); every page works without JavaScript.
 */

/** What a message form shows again: the member's input, and the refusal of a send or the preview asked for. */
export interface MessageFormState {
  values: { to?: string; title?: string; body?: string; format?: BodyFormat; postId?: string };
  refusal?: AppError;
  preview?: FormPreview;
}

const memberLink = (ctx: LinkContext & { variant: Variant | undefined }, name: string) => <MemberLink ctx={ctx} name={name} />;

/** The title a reply starts from ("回覆：…"), cut to a title's length. */
export const replyTitle = (ctx: PageContext, title: string) => [...ctx.t.pm.replyTitle(title)].slice(0, TITLE_MAX).join('');

/** Where the conversation with a member is. */
export const conversationPath = (name: string) => `/messages/with/${encodeURIComponent(name)}`;

/** A message body for a page: links to this site keep the reader's prefix (as post bodies do). */
const bodyHtml = (ctx: LinkContext, body: string): SafeHtml => trustedHtml(ctx.prefix ? mapBodyLinks(body, (url) => href(ctx, url)) : body);

/** Unread messages one received are marked; the mark is text as well as a class. */
function UnreadMark({ ctx, m }: { ctx: PageContext; m: Message }) {
  return !m.sent && !m.readAt ? <span class="unread-mark">[{ctx.t.pm.unread}] </span> : null;
}

/** One message as a line of a list: [未讀] title -from/to- (N bytes) time. */
export function MessageLine({ ctx, m, current }: { ctx: PageContext; m: Message; current?: boolean }) {
  const { t } = ctx;
  const unread = !m.sent && !m.readAt;
  return (
    <li class={`message-line${unread ? ' unread' : ''}${current ? ' current' : ''}`} id={`m${m.id}`}>
      <UnreadMark ctx={ctx} m={m} />
      <a class="title" href={href(ctx, `/messages/${m.id}`)} aria-current={current ? 'true' : undefined}>
        {m.title}
      </a>{' '}
      <span class="party">{m.sent ? t.pm.toName(memberName(ctx, m.to.name)) : t.pm.fromName(memberName(ctx, m.from.name))}</span>{' '}
      <span class="bytes">{t.bytes(m.bytes)}</span> <time datetime={m.createdAt.toISOString()}>{dateTime(ctx, m.createdAt)}</time>
      {m.sent && m.readAt ? <span class="read-mark"> [{t.pm.read}]</span> : null}
    </li>
  );
}

/** A message in full: title, who to whom, when, the post it quotes, the body. */
export function MessageArticle({ ctx, m, heading = 'h2' }: { ctx: PageContext; m: Message; heading?: 'h1' | 'h2' }) {
  const { t } = ctx;
  const unread = !m.sent && !m.readAt;
  return (
    <article class={`message${unread ? ' unread' : ''}${m.sent ? ' sent' : ' received'}`} id={`m${m.id}`}>
      {h(
        heading,
        null,
        <UnreadMark ctx={ctx} m={m} />,
        heading === 'h2' ? <a href={href(ctx, `/messages/${m.id}`)}>{m.title}</a> : m.title,
      )}
      <p class="byline">
        {t.pm.from} {memberLink(ctx, m.from.name)} → {t.pm.to} {memberLink(ctx, m.to.name)} <span class="bytes">{t.bytes(m.bytes)}</span>{' '}
        <time datetime={m.createdAt.toISOString()}>{dateTime(ctx, m.createdAt)}</time>
      </p>
      {m.quotedPost ? (
        <p class="quoted-post">
          {t.pm.quoting}
          <a href={href(ctx, `/t/${m.quotedPost.id}`)}>{m.quotedPost.title || t.pm.quotedDeleted}</a>
        </p>
      ) : null}
      {m.body ? <div class="body">{bodyHtml(ctx, m.body)}</div> : null}
    </article>
  );
}

/**
 * The form that sends a 悄悄話: to whom (fixed when replying), title, body, the quoted post. It is
 * the posts' composer (server/views/composer.tsx, client/composer.ts): the format, toolbar, preview
 * (rendered as a message is stored: /api/messages/preview), byte count, images, Ctrl/⌘+Enter and a
 * draft kept per conversation (`draft`: the conversation's path; the composer's own when the
 * addressee is not known yet). A reply's title is only a suggestion (data-suggested): a kept draft
 * replaces it.
 */
export function MessageForm({ ctx, form, fixedTo }: { ctx: PageContext; form: MessageFormState; fixedTo?: string }) {
  const { t } = ctx;
  const v = form.values;
  const draft = fixedTo ? conversationPath(fixedTo) : '/messages/new';
  const suggested = !form.refusal && !form.preview && v.body === undefined && v.title ? '' : undefined;
  return (
    <form
      method="post"
      action={href(ctx, '/messages')}
      class="post-form message-form composer"
      {...composerData(ctx, draft, '/api/messages/preview')}
    >
      <Refusal ctx={ctx} error={form.refusal} />
      <PreviewBox ctx={ctx} preview={form.preview} />
      {fixedTo ? (
        <input type="hidden" name="to" value={fixedTo} />
      ) : (
        <label>
          {t.pm.to}
          <input name="to" required maxlength="64" value={v.to ?? ''} autocomplete="off" />
        </label>
      )}
      {v.postId ? <input type="hidden" name="postId" value={v.postId} /> : null}
      <label>
        {t.title}
        <input name="title" required maxlength="100" value={v.title ?? ''} data-suggested={suggested} />
      </label>
      <Toolbar ctx={ctx} />
      <label>
        {t.body}
        <textarea name="body" rows="6">
          {textareaText(v.body ?? '')}
        </textarea>
      </label>
      {/* Sending comes before the preview: Enter in the title sends the form with its first button. */}
      <div class="form-actions">
        <FormatSelect ctx={ctx} value={v.format} /> <button type="submit">{t.pm.send}</button> <PreviewButton ctx={ctx} />{' '}
        <a href={href(ctx, '/upload')} target="_blank" rel="noopener" class="upload-link">
          {t.uploads.link}
        </a>{' '}
        <ComposerStatus ctx={ctx} />
      </div>
      <FormatHint ctx={ctx} />
    </form>
  );
}

/** The tabs above every 悄悄話 page. */
function Tabs({ ctx, current }: { ctx: PageContext; current: 'inbox' | 'sent' | 'compose' | null }) {
  const { pm } = ctx.t;
  const tab = (which: 'inbox' | 'sent' | 'compose', path: string, label: string) =>
    current === which ? <strong aria-current="page">{label}</strong> : <a href={href(ctx, path)}>{label}</a>;
  return (
    <nav class="message-tabs" aria-label={pm.title}>
      {tab('inbox', '/messages', pm.inbox)}
      {tab('sent', '/messages?box=sent', pm.sent)}
      {tab('compose', '/messages/new', pm.compose)}
    </nav>
  );
}

/** "更早的悄悄話" and "回到最新" under a keyset-paged list. */
function KeysetPager({ ctx, base, page, paged }: { ctx: PageContext; base: string; page: MessagePage; paged: boolean }) {
  const join = base.includes('?') ? '&' : '?';
  if (!page.nextCursor && !paged) return null;
  return (
    <nav class="pager">
      {paged ? <a href={href(ctx, base)}>{ctx.t.pm.newest}</a> : null}
      {page.nextCursor ? (
        <a rel="next" href={href(ctx, `${base}${join}cursor=${page.nextCursor}`)}>
          {ctx.t.pm.older}
        </a>
      ) : null}
    </nav>
  );
}

/** `/messages` (inbox) and `/messages?box=sent`: newest first, unread ones marked. */
export function boxPage(ctx: PageContext, box: 'inbox' | 'sent', page: MessagePage, paged: boolean): string {
  const { pm } = ctx.t;
  const title = box === 'inbox' ? pm.inbox : pm.sent;
  return renderPage(
    ctx,
    `${pm.title} - ${title}`,
    <Fragment>
      <h1>{pm.title}</h1>
      <Tabs ctx={ctx} current={box} />
      {page.messages.length === 0 ? (
        <p class="empty">{pm.empty}</p>
      ) : (
        <ul class="messages" data-box={box}>
          {page.messages.map((m) => (
            <MessageLine ctx={ctx} m={m} />
          ))}
        </ul>
      )}
      <KeysetPager ctx={ctx} base={box === 'inbox' ? '/messages' : '/messages?box=sent'} page={page} paged={paged} />
    </Fragment>,
  );
}

/** `/messages/new?to=&post=` (and `/messages?to=`): the composer, addressed and quoting when asked. */
export function composePage(ctx: PageContext, form: MessageFormState, quoted: { id: string; title: string } | null): string {
  const { pm } = ctx.t;
  return renderPage(
    ctx,
    pm.compose,
    <Fragment>
      <h1>{pm.compose}</h1>
      <Tabs ctx={ctx} current="compose" />
      <p class="private-note">{pm.privateNote}</p>
      {quoted ? (
        <p class="quoted-post">
          {pm.quoting}
          <a href={href(ctx, `/t/${quoted.id}`)}>{quoted.title}</a>
        </p>
      ) : null}
      <MessageForm ctx={ctx} form={form} />
    </Fragment>,
  );
}

/** Mark read/unread, delete on one's side, report (the recipient): the message's own buttons. */
function MessageActions({ ctx, m }: { ctx: PageContext; m: Message }) {
  const { pm } = ctx.t;
  const base = href(ctx, `/messages/${m.id}`);
  return (
    <div class="post-actions message-actions">
      {m.sent ? null : (
        <ActionButton action={`${base}/read`} label={m.readAt ? pm.markUnread : pm.markRead}>
          <input type="hidden" name="read" value={m.readAt ? '0' : '1'} />
        </ActionButton>
      )}
      <ActionButton action={`${base}/delete`} label={pm.delete}>
        <span class="hint">{pm.deleteHint}</span>
      </ActionButton>
      {m.sent ? null : (
        <ActionButton action={`${base}/report`} label={pm.report}>
          <input name="reason" required maxlength="500" placeholder={ctx.t.reason} aria-label={ctx.t.reason} title={pm.reportHint} />
        </ActionButton>
      )}
    </div>
  );
}

/** Who the other member of a message is, from the viewer's side. */
export const otherOf = (m: Message) => (m.sent ? m.to.name : m.from.name);

/**
 * `/messages/:id`: the message in full, its buttons, a reply form, and the latest messages of its
 * conversation (this one marked), with the way to the whole conversation.
 */
export function messagePage(
  ctx: PageContext,
  m: Message,
  latest: Message[],
  state: { notice?: 'reported'; refusal?: AppError; form?: MessageFormState } = {},
): string {
  const { pm } = ctx.t;
  const { notice, refusal, form } = state;
  const other = otherOf(m);
  return renderPage(
    ctx,
    `${m.title} - ${pm.title}`,
    <Fragment>
      <Tabs ctx={ctx} current={null} />
      {notice === 'reported' ? (
        <p class="notice" role="status">
          {pm.reported}
        </p>
      ) : null}
      <Refusal ctx={ctx} error={refusal} />
      <MessageArticle ctx={ctx} m={m} heading="h1" />
      <MessageActions ctx={ctx} m={m} />
      <section class="reply message-reply" aria-label={pm.reply}>
        <h2>{pm.reply}</h2>
        <MessageForm ctx={ctx} fixedTo={other} form={form ?? { values: { title: replyTitle(ctx, m.title) } }} />
      </section>
      <section class="conversation" aria-labelledby="conversation">
        <h2 id="conversation">
          <a href={href(ctx, conversationPath(other))}>{pm.wholeConversation(other)}</a>
        </h2>
        <ul class="messages">
          {latest.map((x) => (
            <MessageLine ctx={ctx} m={x} current={x.id === m.id} />
          ))}
        </ul>
      </section>
    </Fragment>,
  );
}

/** `/messages/with/:name`: every message of the pair still on the viewer's side, newest first, with a reply form. */
export function conversationPage(ctx: PageContext, c: Conversation, paged: boolean, form?: MessageFormState): string {
  const { pm } = ctx.t;
  const name = c.other.name;
  return renderPage(
    ctx,
    pm.conversationWith(name),
    <Fragment>
      <h1>{pm.conversationWith(name)}</h1>
      <Tabs ctx={ctx} current={null} />
      <section class="reply message-reply" aria-label={pm.reply}>
        <MessageForm ctx={ctx} fixedTo={name} form={form ?? { values: {} }} />
      </section>
      {c.messages.length === 0 ? (
        <p class="empty">{pm.empty}</p>
      ) : (
        <div class="conversation-messages">
          {c.messages.map((m) => (
            <MessageArticle ctx={ctx} m={m} />
          ))}
        </div>
      )}
      <KeysetPager ctx={ctx} base={conversationPath(name)} page={c} paged={paged} />
    </Fragment>,
  );
}
