import { MemberLink, memberName } from '../views/member';
import { href } from '../http/paths';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { ActionForm, Time, memberPath } from './admin.console.views';
import type { FoundMember, MemberDetail } from './admin.members.lookup';

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
          <a href={href(ctx, `/b/${b.slug}`)}>{ctx.shown(b.name, b.id)} </a>
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
              {b.board ?? w.siteWide}: {ctx.shown(b.reason, b.boardId)} ({b.inForce ? w.inForce : b.lifted ? w.lifted : w.expired}){' '}
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
              <a href={href(ctx, `/t/${p.threadId}#p${p.id}`)}>{ctx.shown(p.title, p.boardId) || `#${p.id}`}</a> <code>{p.board}</code>{' '}
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
              <a href={href(ctx, `/t/${r.postId}`)}>#{r.postId}</a> {memberName(ctx, r.reporter)}: {ctx.shown(r.reason, r.boardId)} (
              {r.open ? w.open : w.closed})
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
              <a href={href(ctx, `/t/${r.postId}`)}>#{r.postId}</a> {ctx.shown(r.reason, r.boardId)} ({r.open ? w.open : w.closed})
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
