import type { AppError } from '../errors';
import { href } from '../http/paths';
import { Fragment, h } from '../views/html';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import type { EmailState } from './email.service';

/** Notices the settings page shows after a change (?notice=…). */
export type EmailNotice = 'sent' | 'verified' | 'removed' | 'saved';

function Notice({ text }: { text: string | undefined }) {
  return text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;
}

/** /settings/email: the verified address, the one waiting, the form to add or change it, removal and the digest. */
export function emailSettingsPage(
  ctx: PageContext,
  page: { state: EmailState; notice?: EmailNotice; refusal?: AppError; typed?: string },
): string {
  const w = ctx.t.email;
  const { state } = page;
  const notices: Record<EmailNotice, string> = { sent: w.verificationSent, verified: w.verified, removed: w.removed, saved: w.digestSaved };
  return renderPage(
    ctx,
    w.settingsTitle,
    <section class="email-settings">
      <h1>{w.settingsTitle}</h1>
      <Notice text={page.notice && notices[page.notice]} />
      <p class="hint">{w.settingsHint}</p>
      {state.email ? (
        <p>
          {w.verifiedAddress}
          <strong class="email-address">{state.email}</strong>
        </p>
      ) : (
        <p>{w.noAddress}</p>
      )}
      {state.pending ? <p class="pending">{w.pending(state.pending)}</p> : null}
      <form method="post" action={href(ctx, '/settings/email')} class="credentials">
        <Refusal ctx={ctx} error={page.refusal} />
        <label>
          {state.email ? w.changeAddress : w.address}
          <input name="email" type="email" required maxlength="254" autocomplete="email" value={page.typed ?? ''} />
        </label>
        <button type="submit">{w.sendVerification}</button>
      </form>
      <DigestForm ctx={ctx} state={state} />
      {state.email || state.pending ? (
        <form method="post" action={href(ctx, '/settings/email/remove')}>
          <button type="submit">{w.remove}</button>
        </form>
      ) : null}
      <p>
        <a href={href(ctx, '/settings')}>{w.backToSettings}</a>
      </p>
    </section>,
  );
}

/** The digest checkbox: only with a verified address. */
function DigestForm({ ctx, state }: { ctx: PageContext; state: EmailState }) {
  const w = ctx.t.email;
  if (!state.email) return <p class="hint">{w.digestNeedsAddress}</p>;
  return (
    <form method="post" action={href(ctx, '/settings/email/digest')} class="digest">
      <label>
        <input type="checkbox" name="digest" value="on" checked={state.digest} /> {w.digestLabel}
      </label>
      <button type="submit">{w.save}</button>
    </form>
  );
}

/** A short page that says one thing, with a link on. */
export function messagePage(ctx: PageContext, title: string, text: string, link: { path: string; label: string }): string {
  return renderPage(
    ctx,
    title,
    <section>
      <h1>{title}</h1>
      <p class="notice" role="status">
        {text}
      </p>
      <p>
        <a href={href(ctx, link.path)}>{link.label}</a>
      </p>
    </section>,
  );
}

/** /password/forgot: a name or address; after sending, the same words whoever was asked for. */
export function forgotPage(ctx: PageContext, page: { login?: string; sent?: boolean; refusal?: AppError }): string {
  const w = ctx.t.email;
  return renderPage(
    ctx,
    w.forgotTitle,
    <section>
      <h1>{w.forgotTitle}</h1>
      {page.sent ? (
        <Notice text={w.forgotSent} />
      ) : (
        <Fragment>
          <p class="hint">{w.forgotHint}</p>
          <form method="post" action={href(ctx, '/password/forgot')} class="credentials">
            <Refusal ctx={ctx} error={page.refusal} />
            <label>
              {w.login}
              <input name="login" required maxlength="254" autocomplete="username" value={page.login ?? ''} />
            </label>
            <button type="submit">{w.sendResetLink}</button>
          </form>
        </Fragment>
      )}
      <p>
        <a href={href(ctx, '/login')}>{ctx.t.login}</a>
      </p>
    </section>,
  );
}

/** /password/reset: the new password for a good link. */
export function resetPage(ctx: PageContext, page: { token: string; refusal?: AppError }): string {
  const w = ctx.t.email;
  return renderPage(
    ctx,
    w.resetTitle,
    <section>
      <h1>{w.resetTitle}</h1>
      <p class="hint">{ctx.t.registerHint}</p>
      <form method="post" action={href(ctx, '/password/reset')} class="credentials">
        <Refusal ctx={ctx} error={page.refusal} />
        <input type="hidden" name="token" value={page.token} />
        <label>
          {ctx.t.newPassword}
          <input name="password" type="password" required minlength="8" autocomplete="new-password" />
        </label>
        <button type="submit">{w.resetSubmit}</button>
      </form>
    </section>,
  );
}

/** /email/unsubscribe: a button, so that a link opened by a mail scanner unsubscribes nobody. */
export function unsubscribePage(ctx: PageContext, token: string): string {
  const w = ctx.t.email;
  return renderPage(
    ctx,
    w.unsubscribeTitle,
    <section>
      <h1>{w.unsubscribeTitle}</h1>
      <form method="post" action={href(ctx, `/email/unsubscribe?token=${encodeURIComponent(token)}`)}>
        <p>{w.unsubscribeConfirm}</p>
        <button type="submit">{w.unsubscribeButton}</button>
      </form>
    </section>,
  );
}
