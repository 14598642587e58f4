import { href } from '../http/paths';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import type { AdminBoard } from './admin.boards';
import { ActionForm, memberPath } from './admin.console.views';

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
              <a href={href(ctx, `/b/${b.slug}`)}>{ctx.shown(b.name, b.id)}</a> <code>{b.slug}</code>{' '}
              {b.archivedAt ? <strong class="archived">{w.archived}</strong> : null}
            </h2>
            <p>
              {ctx.shown(b.description, b.id)} ({w.threads} {b.threadCount}; {w.position} {b.position})
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
