import { href } from '../http/paths';
import { ActionButton } from '../views/buttons';
import { Fragment, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { NotificationPage, NotificationView } from './notifications.service';

/** Kinds about a post in a thread, grouped per thread on the page ("3 條新跟帖：<title>"). */
const FOLLOW_UPS: ReadonlySet<string> = new Set(['reply', 'thread-reply', 'mention', 'quote']);

/** Notifications of a page in groups: the follow-ups of one thread together, at the place of the newest. */
export function groupByThread(items: NotificationView[]): NotificationView[][] {
  const groups: NotificationView[][] = [];
  const byThread = new Map<string, NotificationView[]>();
  for (const n of items) {
    const key = n.threadId && FOLLOW_UPS.has(n.kind) ? n.threadId : undefined;
    const group = key === undefined ? undefined : byThread.get(key);
    if (group) {
      group.push(n);
      continue;
    }
    const fresh = [n];
    groups.push(fresh);
    if (key !== undefined) byThread.set(key, fresh);
  }
  return groups;
}

/** One notification: its sentence as a link that marks it read on the way to what it points at. */
function Notice({ ctx, n }: { ctx: PageContext; n: NotificationView }) {
  return (
    <li class={n.readAt ? 'notice' : 'notice unread'} id={`n${n.id}`}>
      <a href={href(ctx, `/notifications/${n.id}`)}>{n.text}</a>{' '}
      <time datetime={n.createdAt.toISOString()}>{dateTime(ctx, n.createdAt)}</time>
      {n.readAt ? null : <span class="unread-mark"> [{ctx.t.notices.unread}]</span>}
    </li>
  );
}

function Group({ ctx, group }: { ctx: PageContext; group: NotificationView[] }) {
  const first = group[0]!;
  if (group.length === 1) return <Notice ctx={ctx} n={first} />;
  return (
    <li class="notice-group" data-thread={first.threadId ?? ''}>
      <p class="group-title">
        {ctx.t.notices.group(group.length)}
        <a href={href(ctx, `/t/${first.threadId}`)}>{first.title ?? ''}</a>
      </p>
      <ul>
        {group.map((n) => (
          <Notice ctx={ctx} n={n} />
        ))}
      </ul>
    </li>
  );
}

/** `/notifications`: newest first, grouped per thread, each marked read when opened; "mark all read". */
export function notificationsPage(ctx: PageContext, page: NotificationPage, cursor: string | undefined): string {
  const { notices } = ctx.t;
  return renderPage(
    ctx,
    notices.pageTitle,
    <Fragment>
      <h1>{notices.pageTitle}</h1>
      {page.unread > 0 ? <ActionButton action={href(ctx, '/notifications/read')} label={notices.markAllRead} /> : null}
      {page.notifications.length === 0 ? (
        <p class="no-notices">{notices.empty}</p>
      ) : (
        <ul class="notices">
          {groupByThread(page.notifications).map((group) => (
            <Group ctx={ctx} group={group} />
          ))}
        </ul>
      )}
      <nav class="pager">
        {cursor ? (
          <a rel="first" href={href(ctx, '/notifications')}>
            {notices.newest}
          </a>
        ) : null}
        {page.nextCursor ? (
          <Fragment>
            {cursor ? ' · ' : ''}
            <a rel="next" href={href(ctx, `/notifications?cursor=${page.nextCursor}`)}>
              {notices.older}
            </a>
          </Fragment>
        ) : null}
      </nav>
    </Fragment>,
  );
}
