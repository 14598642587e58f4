import { MemberLink, memberName } from '../views/member';
import { href } from '../http/paths';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { AdminBoard } from './admin.boards';
import type { Inbox, InboxCounts } from './admin.inbox';
import type { FoundMember, MemberDetail } from './admin.members';

/**
 * The admin console's own pages: its home (/admin), the inbox, boards, and members (search and a
 * member's page). Plain forms that post and redirect: they work without JavaScript, and narrow
 * screens get the same page with its tables scrolling on their own.
 */

const memberPath = (name: string) => `/admin/members/${encodeURIComponent(name)}`;

function Time({ ctx, at }: { ctx: PageContext; at: Date }) {
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
function ActionForm({
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

/** `/admin/boards`: every board with its forms, and a form to create one. */
export function boardsAdminPage(ctx: PageContext, list: AdminBoard[], error?: string): string {
  const w = ctx.t.admin.boards;
  return renderPage(
    ctx,
    w.title,
    <section class="admin-boards">
      <h1>{w.title}</h1>
      {error ? <p class="error">{error}</p> : null}
      <h2>{w.create}</h2>
      <form method="post" action={href(ctx, '/admin/boards')} class="stacked">
        <label>
          {w.slug} <input name="slug" required pattern="[a-z0-9][a-z0-9-]{0,39}" maxlength={40} /> <small>{w.slugHint}</small>
        </label>
        <label>
          {w.name} <input name="name" required maxlength={60} />
        </label>
        <label>
          {w.description} <input name="description" maxlength={500} />
        </label>
        <button type="submit">{w.create}</button>
      </form>
      <p class="hint">{w.archiveHint}</p>
      {list.length === 0 ? <p>{w.none}</p> : null}
      {list.map((b) => {
        const base = `/admin/boards/${b.slug}`;
        return (
          <article class={b.archivedAt ? 'admin-board archived' : 'admin-board'} id={`board-${b.slug}`}>
            <h2>
              <a href={href(ctx, `/b/${b.slug}`)}>{b.name}</a> <code>{b.slug}</code>{' '}
              {b.archivedAt ? <strong class="archived">{w.archived}</strong> : null}
            </h2>
            <p>
              {b.description} ({w.threads} {b.threadCount}; {w.position} {b.position})
            </p>
            <p>
              {w.moderators}: {b.moderators.length === 0 ? w.noModerators : null}
              {b.moderators.map((m) => (
                <span class="moderator">
                  <a href={href(ctx, memberPath(m))}>{m}</a>{' '}
                  <ActionForm ctx={ctx} path={`${base}/moderators/remove`} label={w.removeModerator} hidden={{ name: m }} inline />{' '}
                </span>
              ))}
            </p>
            <ActionForm ctx={ctx} path={`${base}/moderators`} label={w.addModerator}>
              <label>
                {w.memberName} <input name="name" required />
              </label>
            </ActionForm>
            <ActionForm ctx={ctx} path={`${base}/rename`} label={w.rename}>
              <label>
                {w.name} <input name="name" required value={b.name} maxlength={60} />
              </label>
            </ActionForm>
            <ActionForm ctx={ctx} path={`${base}/describe`} label={w.describe}>
              <label>
                {w.description} <input name="description" value={b.description} maxlength={500} />
              </label>
            </ActionForm>
            <ActionForm ctx={ctx} path={`${base}/move`} label={w.move}>
              <label>
                {w.position} <input name="position" type="number" min={0} required value={String(b.position)} />
              </label>
            </ActionForm>
            {b.archivedAt ? (
              <ActionForm ctx={ctx} path={`${base}/unarchive`} label={w.unarchive} />
            ) : (
              <ActionForm ctx={ctx} path={`${base}/archive`} label={w.archive} />
            )}
            {b.threadCount === 0 ? <ActionForm ctx={ctx} path={`${base}/delete`} label={w.delete} /> : null}
          </article>
        );
      })}
    </section>,
  );
}

/** `/admin/members?q=…`: find a member by name. */
export function membersAdminPage(ctx: PageContext, query: string, found: FoundMember[] | null): string {
  const w = ctx.t.admin.members;
  return renderPage(
    ctx,
    w.title,
    <section class="admin-members">
      <h1>{w.title}</h1>
      <form method="get" action={href(ctx, '/admin/members')}>
        <label>
          {w.search} <input name="q" value={query} required />
        </label>{' '}
        <button type="submit">{w.find}</button>
      </form>
      <p class="hint">{w.searchHint}</p>
      {found === null ? null : found.length === 0 ? (
        <p>{w.noMatch}</p>
      ) : (
        <ul class="found-members">
          {found.map((m) => (
            <li>
              <a href={href(ctx, memberPath(m.key))}>{memberName(ctx, m.name)}</a> {ctx.t.roles[m.role]}
              {m.deleted ? ` (${w.deleted}: ${m.key})` : ''}, {w.joined} <Time ctx={ctx} at={m.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </section>,
  );
}

/** `/admin/members/:name`: one member for admins, with the actions on them. */
export function memberAdminPage(
  ctx: PageContext,
  m: MemberDetail,
  note?: { reset?: { url: string; absolute: boolean }; error?: string },
): string {
  const w = ctx.t.admin.members;
  // A deleted account is addressed by the name it registered (its shown name is everyone's 已註銷用戶).
  const base = memberPath(m.key);
  const shown = memberName(ctx, m.name);
  return renderPage(
    ctx,
    shown,
    <section class="admin-member">
      <h1>
        {m.deletedAt ? shown : <MemberLink ctx={ctx} name={m.name} />} {m.deletedAt ? <strong>{`${w.deleted}: ${m.key}`}</strong> : null}
      </h1>
      {note?.error ? <p class="error">{note.error}</p> : null}
      {note?.reset ? (
        <p class="reset-link">
          {w.resetMade(m.name)} <code>{note.reset.url}</code>
          {note.reset.absolute ? null : <strong class="relative-link">{w.relativeLink}</strong>}
        </p>
      ) : null}
      <p>
        {w.role}: {ctx.t.roles[m.role]}; {w.joined} <Time ctx={ctx} at={m.createdAt} />
        {m.moderates.length > 0 ? `; ${w.moderates}: ` : ''}
        {m.moderates.map((b) => (
          <a href={href(ctx, `/b/${b.slug}`)}>{b.name} </a>
        ))}
      </p>
      <p>
        <a href={href(ctx, `${base}/addresses`)}>{w.addresses}</a> ·{' '}
        <a href={href(ctx, `/admin/audit?subject=${encodeURIComponent(m.auditSubject)}`)}>{ctx.t.admin.audit}</a>
      </p>
      {m.deletedAt ? null : (
        <div class="member-actions">
          <h2>{w.changeRole}</h2>
          <p class="hint">{w.roleHint}</p>
          {m.role === 'admin' ? (
            <ActionForm ctx={ctx} path={`${base}/role`} label={w.makeMember} hidden={{ role: 'member' }} />
          ) : (
            <ActionForm ctx={ctx} path={`${base}/role`} label={w.makeAdmin} hidden={{ role: 'admin' }} />
          )}
          <h2>{w.ban}</h2>
          <ActionForm ctx={ctx} path={`${base}/ban`} label={w.ban}>
            <label>
              {w.days} <input name="days" type="number" min={1} required value="7" />
            </label>{' '}
            <label>
              {w.reason} <input name="reason" required />
            </label>
          </ActionForm>
          <h2>{w.resetLink}</h2>
          <p class="hint">{w.resetHint}</p>
          <ActionForm ctx={ctx} path={`${base}/reset-link`} label={w.resetLink} />
          <h2>{w.deleteAccount}</h2>
          <p class="hint">{w.deleteHint}</p>
          <form method="post" action={href(ctx, `${base}/delete`)} class="admin-action">
            <label>
              <input type="radio" name="posts" value="keep" checked /> {w.keepPosts}
            </label>
            <label>
              <input type="radio" name="posts" value="remove" /> {w.removePosts}
            </label>
            <button type="submit">{w.deleteAccount}</button>
          </form>
        </div>
      )}
      <h2>{w.bans}</h2>
      {m.bans.length === 0 ? (
        <p>{w.noBans}</p>
      ) : (
        <ul class="member-bans">
          {m.bans.map((b) => (
            <li>
              {b.board ?? w.siteWide}: {b.reason} ({b.inForce ? w.inForce : b.lifted ? w.lifted : w.expired}){' '}
              <Time ctx={ctx} at={b.createdAt} /> {w.until} <Time ctx={ctx} at={b.expiresAt} />
              {b.inForce ? <ActionForm ctx={ctx} path={`${base}/unban`} label={w.liftBan} hidden={{ ban: b.id }} inline /> : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{w.posts}</h2>
      {m.posts.length === 0 ? (
        <p>{w.noPosts}</p>
      ) : (
        <ul class="member-posts">
          {m.posts.map((p) => (
            <li class={p.deleted ? 'deleted' : undefined}>
              <a href={href(ctx, `/t/${p.threadId}#p${p.id}`)}>{p.title || `#${p.id}`}</a> <code>{p.board}</code>{' '}
              <Time ctx={ctx} at={p.createdAt} />
            </li>
          ))}
        </ul>
      )}
      <h2>{w.reportsAbout}</h2>
      {m.reportsAbout.length === 0 ? (
        <p>{w.noReports}</p>
      ) : (
        <ul class="member-reports-about">
          {m.reportsAbout.map((r) => (
            <li>
              <a href={href(ctx, `/t/${r.postId}`)}>#{r.postId}</a> {memberName(ctx, r.reporter)}: {r.reason} ({r.open ? w.open : w.closed})
            </li>
          ))}
        </ul>
      )}
      <h2>{w.reportsBy}</h2>
      {m.reportsBy.length === 0 ? (
        <p>{w.noReports}</p>
      ) : (
        <ul class="member-reports-by">
          {m.reportsBy.map((r) => (
            <li>
              <a href={href(ctx, `/t/${r.postId}`)}>#{r.postId}</a> {r.reason} ({r.open ? w.open : w.closed})
            </li>
          ))}
        </ul>
      )}
      <h2>{w.signIns}</h2>
      {m.signIns.length === 0 ? (
        <p>{w.noSignIns}</p>
      ) : (
        <div class="scroll">
          <table class="member-sign-ins">
            <tr>
              <th>{ctx.t.admin.when}</th>
              <th>{w.address}</th>
              <th>{w.browser}</th>
            </tr>
            {m.signIns.map((s) => (
              <tr>
                <td>
                  <Time ctx={ctx} at={s.at} />
                </td>
                <td class="address">{s.address}</td>
                <td>{s.userAgent}</td>
              </tr>
            ))}
          </table>
        </div>
      )}
    </section>,
  );
}
