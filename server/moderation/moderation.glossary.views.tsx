import type { GlossaryHistoryLine } from '../glossary/glossary.store';
import { href } from '../http/paths';
import type { GlossaryTerm } from '../text/glossary';
import { VARIANTS } from '../variants';
import { ActionButton } from '../views/buttons';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { GlossaryFlag, GlossaryView } from './moderation.glossary';

/**
 * The glossary pages (moderation.glossary.ts): a board's (/b/:slug/glossary, its moderators) and
 * the site's (/admin/glossary, admins), each with its terms, the forms to add, remove and import,
 * the export link, the queue of flagged conversions (boards) and the history with a revert button
 * per past state. Plain forms: everything works without the browser module.
 */
export function glossaryPage(
  ctx: PageContext,
  glossary: GlossaryView,
  history: GlossaryHistoryLine[],
  flags: GlossaryFlag[] | null,
): string {
  const g = ctx.t.glossary;
  const base = glossary.board ? `/b/${glossary.board.slug}/glossary` : '/admin/glossary';
  const title = glossary.board ? g.boardTitle(ctx.shown(glossary.board.name, glossary.board.id)) : g.siteTitle;
  const formsOf = (t: GlossaryTerm) =>
    VARIANTS.filter((v) => t.forms[v] !== undefined)
      .map((v) => `${v}:${t.forms[v]}`)
      .join('; ') || g.neverConverted;
  return renderPage(
    ctx,
    title,
    <section class="glossary">
      <h1>
        {title} <small>{g.version(glossary.version)}</small>
      </h1>
      <p>{g.intro}</p>
      {glossary.terms.length === 0 ? <p class="empty">{g.empty}</p> : null}
      <table class="glossary-terms">
        <tbody>
          {glossary.terms.map((t) => (
            <tr>
              <td class="term">{t.text}</td>
              <td>{formsOf(t)}</td>
              <td>
                <ActionButton action={href(ctx, `${base}/remove`)} label={g.remove}>
                  <input type="hidden" name="text" value={t.text} />
                </ActionButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={href(ctx, `${base}/terms`)} class="glossary-add">
        <label>
          {g.text} <input name="text" required maxlength="64" />
        </label>
        <fieldset>
          <legend>{g.forms}</legend>
          {VARIANTS.map((v) => (
            <label>
              {v} <input name={`forms[${v}]`} maxlength="64" />
            </label>
          ))}
        </fieldset>
        <button type="submit">{g.add}</button>
      </form>
      <p>
        <a href={href(ctx, `${base}/export`)} download="glossary.txt">
          {g.exportFile}
        </a>
      </p>
      <form method="post" action={href(ctx, `${base}/import`)} class="glossary-import">
        <p>{g.importHelp}</p>
        <textarea name="file" rows={6} cols={60} required></textarea>
        <label>
          <input type="radio" name="mode" value="merge" checked /> {g.merge}
        </label>
        <label>
          <input type="radio" name="mode" value="replace" /> {g.replace}
        </label>
        <button type="submit">{g.importFile}</button>
      </form>
      {flags === null ? null : (
        <section class="glossary-queue" id="flags">
          <h2>{g.queue}</h2>
          {flags.length === 0 ? <p>{g.queueEmpty}</p> : null}
          <ul>
            {flags.map((f) => (
              <li id={`f${f.id}`}>
                <a href={href(ctx, `/t/${f.postId}`)}>{f.postTitle}</a>: {g.flagLine(f.wrong, f.fixed, f.variant)}{' '}
                {f.reporter ? <span class="reporter">{g.flaggedBy(f.reporter)}</span> : null}
                <form method="post" action={href(ctx, `${base}/flags/${f.id}/accept`)} class="action">
                  <input name="text" value={f.wrong} aria-label={g.text} maxlength="64" />
                  <input name={`forms[${f.variant}]`} value={f.fixed} aria-label={f.variant} maxlength="64" />
                  <button type="submit">{g.accept}</button>
                </form>
                <ActionButton action={href(ctx, `${base}/flags/${f.id}/dismiss`)} label={g.dismiss} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="glossary-history">
        <h2>{g.history}</h2>
        <ol>
          {history.map((line) => (
            <li>
              {g.version(line.version)} <time datetime={line.at.toISOString()}>{dateTime(ctx, line.at)}</time> {line.actorName}{' '}
              {g.actions[line.action] ?? line.action} {line.detail} ({g.termCount(line.terms.length)})
              {line.version === glossary.version ? null : (
                <ActionButton action={href(ctx, `${base}/revert`)} label={g.revert}>
                  <input type="hidden" name="id" value={line.id} />
                </ActionButton>
              )}
            </li>
          ))}
        </ol>
      </section>
    </section>,
  );
}

/** The "轉換有誤" form under a post: the wrong text and what it should be. */
export function flagPage(ctx: PageContext, post: { id: string; title: string }, done = false): string {
  const g = ctx.t.glossary;
  return renderPage(
    ctx,
    g.flagTitle,
    <section class="glossary-flag">
      <h1>
        {g.flagTitle}: <a href={href(ctx, `/t/${post.id}`)}>{post.title}</a>
      </h1>
      {done ? (
        <p class="notice">{g.flagged}</p>
      ) : (
        <form method="post" action={href(ctx, `/t/${post.id}/conversion-flag`)}>
          <p>{g.flagHelp}</p>
          <label>
            {g.wrong} <input name="wrong" required maxlength="200" />
          </label>
          <label>
            {g.fixed} <input name="fixed" required maxlength="200" />
          </label>
          <input type="hidden" name="variant" value={ctx.variant ?? 'zh-hant'} />
          <button type="submit">{g.send}</button>
        </form>
      )}
      <p>
        <a href={href(ctx, `/t/${post.id}`)}>{g.backToPost}</a>
      </p>
    </section>,
  );
}
