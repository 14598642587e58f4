import { memberName } from '../views/member';
import { href } from '../http/paths';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { Inbox, InboxCounts } from './admin.inbox';

/**
 * The admin console's home (/admin) and inbox, and what its pages share: a time, a member's page in
 * the console, a small form. Boards and members have their own pages (admin.boards.views.tsx,
 * admin.members.views.tsx). Plain forms that post and redirect: they work without JavaScript, and
 * narrow screens get the same page with its tables scrolling on their own.
 */

/** A member's page in the console. */
export const memberPath = (name: string) => `/admin/members/${encodeURIComponent(name)}`;

/** A time as the console's pages show it, with the exact instant in its datetime. */
export function Time({ ctx, at }: { ctx: PageContext; at: Date }) {
  return <time datetime={at.toISOString()}>{dateTime(ctx, at)}</time>;
}

/** `/admin`: what needs attention, counted, and a link to every part of the console. */
export function consoleHomePage(ctx: PageContext, counts: InboxCounts): string {
  const a = ctx.t.admin;
  const w = a.home;
  const parts: [string, string][] = [
    ['/admin/inbox', w.inbox],
    ['/admin/boards', w.boards],
    ['/admin/members', w.members],
    ['/admin/settings', w.settings],
    ['/admin/invites', w.invites],
    ['/admin/metrics', w.metrics],
    ['/admin/audit', w.audit],
    ['/admin/address-bans', w.addressBansPage],
    ['/admin/message-reports', w.messageReportsPage],
    ['/admin/names', w.names],
    ['/moderation/images', w.images],
  ];
  return renderPage(
    ctx,
    a.console,
    <section class="admin-console">
      <h1>{a.console}</h1>
      <p class="hint">{w.hint}</p>
      <h2>{w.attention}</h2>
      <ul class="admin-counts">
        <li data-count="reports">
          <a href={href(ctx, '/admin/inbox#reports')}>{w.openReports(counts.reports)}</a>
        </li>
        <li data-count="held">
          <a href={href(ctx, '/admin/inbox#held')}>{w.heldPosts(counts.held)}</a>
        </li>
        <li data-count="glossary-flags">
          <a href={href(ctx, '/admin/inbox#glossary-flags')}>{w.glossaryFlags(counts.glossaryFlags)}</a>
        </li>
        <li data-count="message-reports">
          <a href={href(ctx, '/admin/inbox#message-reports')}>{w.messageReports(counts.messageReports)}</a>
        </li>
        <li data-count="address-bans">
          <a href={href(ctx, '/admin/inbox#address-bans')}>{w.addressBans(counts.addressBans)}</a>
        </li>
      </ul>
      <h2>{w.parts}</h2>
      <ul class="admin-parts">
        {parts.map(([path, label]) => (
          <li>
            <a href={href(ctx, path)}>{label}</a>
          </li>
        ))}
      </ul>
    </section>,
  );
}

/** `/admin/inbox`: every board's open reports and queues, message reports and address bans. */
export function inboxPage(ctx: PageContext, data: Inbox): string {
  const w = ctx.t.admin.inbox;
  return renderPage(
    ctx,
    w.title,
    <section class="admin-inbox">
      <h1>{w.title}</h1>
      <p class="hint">{w.hint}</p>
      <h2 id="reports">{w.reports}</h2>
      {data.reports.length === 0 ? (
        <p>{w.noReports}</p>
      ) : (
        <ul class="inbox-reports">
          {data.reports.map((r) => (
            <li>
              <a href={href(ctx, `/b/${r.board}/reports`)}>{r.boardName}</a>{' '}
              <a href={href(ctx, `/t/${r.threadId}#p${r.postId}`)}>{r.title || `#${r.postId}`}</a> {w.reportCount(r.count)}{' '}
              <Time ctx={ctx} at={r.latest} />
            </li>
          ))}
        </ul>
      )}
      <h2 id="held">{w.held}</h2>
      {data.held.length === 0 ? (
        <p>{w.noHeld}</p>
      ) : (
        <ul class="inbox-held">
          {data.held.map((q) => (
            <li>
              <a href={href(ctx, `/b/${q.board}/queue`)}>{q.boardName}</a> {w.heldCount(q.count)}, {w.since}{' '}
              <Time ctx={ctx} at={q.oldest} />
            </li>
          ))}
        </ul>
      )}
      <h2 id="glossary-flags">{w.glossaryFlags}</h2>
      {data.glossaryFlags.length === 0 ? (
        <p>{w.noGlossaryFlags}</p>
      ) : (
        <ul class="inbox-glossary-flags">
          {data.glossaryFlags.map((q) => (
            <li>
              <a href={href(ctx, `/b/${q.board}/glossary#flags`)}>{q.boardName}</a> {w.glossaryFlagCount(q.count)}, {w.since}{' '}
              <Time ctx={ctx} at={q.oldest} />
            </li>
          ))}
        </ul>
      )}
      <h2 id="message-reports">{w.messageReports}</h2>
      {data.messageReports.length === 0 ? (
        <p>{w.noMessageReports}</p>
      ) : (
        <ul class="inbox-message-reports">
          {data.messageReports.map((m) => (
            <li>
              <a href={href(ctx, `/admin/message-reports/${m.id}`)}>#{m.id}</a> {memberName(ctx, m.reporter)}: {m.reason}{' '}
              <Time ctx={ctx} at={m.createdAt} />
            </li>
          ))}
        </ul>
      )}
      <h2 id="address-bans">{w.addressBans}</h2>
      {data.addressBans.length === 0 ? (
        <p>{w.noAddressBans}</p>
      ) : (
        <ul class="inbox-address-bans">
          {data.addressBans.map((b) => (
            <li>
              <code>{b.range}</code> {b.reason} <Time ctx={ctx} at={b.expiresAt} />
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={href(ctx, '/admin/address-bans')}>
          {w.handle}: {w.addressBans}
        </a>
      </p>
    </section>,
  );
}

/** One small form posting to `path` with hidden fields and visible inputs. */
export function ActionForm({
  ctx,
  path,
  label,
  hidden = {},
  inline = false,
  children,
}: {
  ctx: PageContext;
  path: string;
  label: string;
  hidden?: Record<string, string>;
  /** Beside text (a moderator's name): otherwise the form takes its own line. */
  inline?: boolean;
  children?: unknown;
}) {
  return (
    <form method="post" action={href(ctx, path)} class={inline ? 'inline' : 'admin-action'}>
      {Object.entries(hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {children} <button type="submit">{label}</button>
    </form>
  );
}
