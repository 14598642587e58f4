import type { AppError } from '../errors';
import { href } from '../http/paths';
import { Fragment, h } from '../views/html';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { SessionSummary } from '../sessions/sessions.service';

/** The login or register form: where to go afterwards, and when refused, the name typed and why. */
interface FormState {
  next: string;
  username?: string;
  refusal?: AppError;
  /** The invite link's token the register form carries on (an invite-only site). */
  invite?: string;
}

function CredentialsForm({
  ctx,
  action,
  state,
  submit,
}: {
  ctx: PageContext;
  action: '/login' | '/register';
  state: FormState;
  submit: string;
}) {
  const { t } = ctx;
  return (
    <form method="post" action={href(ctx, action)} class="credentials">
      <Refusal ctx={ctx} error={state.refusal} />
      <input type="hidden" name="next" value={state.next} />
      {state.invite ? <input type="hidden" name="invite" value={state.invite} /> : null}
      <label>
        {t.username}
        <input name="username" required autocomplete="username" maxlength="64" value={state.username ?? ''} />
      </label>
      <label>
        {t.password}
        <input name="password" type="password" required autocomplete={action === '/register' ? 'new-password' : 'current-password'} />
      </label>
      <button type="submit">{submit}</button>
    </form>
  );
}

export function loginPage(ctx: PageContext, state: FormState): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.login,
    <section>
      <h1>{t.login}</h1>
      <CredentialsForm ctx={ctx} action="/login" state={state} submit={t.login} />
      {ctx.mail ? (
        <p>
          <a href={href(ctx, '/password/forgot')}>{t.email.forgotLink}</a>
        </p>
      ) : null}
      {ctx.registration === 'closed' ? null : ctx.registration === 'invite' ? (
        <p class="hint">{t.inviteNeeded}</p>
      ) : (
        <p>
          {t.noAccount} <a href={href(ctx, `/register?next=${encodeURIComponent(state.next)}`)}>{t.register}</a>
        </p>
      )}
    </section>,
  );
}

/**
 * The register page. `closed`: why registration is refused now (the site is closed, or invite-only
 * and the page came without a usable invite): said instead of the form.
 */
export function registerPage(ctx: PageContext, state: FormState, closed?: AppError): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.register,
    <section>
      <h1>{t.register}</h1>
      {closed ? (
        <Refusal ctx={ctx} error={closed} />
      ) : (
        <Fragment>
          <p class="hint">{t.registerHint}</p>
          <CredentialsForm ctx={ctx} action="/register" state={state} submit={t.register} />
        </Fragment>
      )}
      <p>
        {t.haveAccount} <a href={href(ctx, `/login?next=${encodeURIComponent(state.next)}`)}>{t.login}</a>
      </p>
    </section>,
  );
}

export function logoutPage(ctx: PageContext): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.logout,
    <section>
      <h1>{t.logout}</h1>
      <form method="post" action={href(ctx, '/logout')}>
        <p>{t.logoutConfirm}</p>
        <button type="submit">{t.logout}</button>
      </form>
    </section>,
  );
}

/** The member's sessions and recent sign-ins, as /settings lists them (SessionList, SignInList). */
export interface AccountState {
  sessions: SessionSummary[];
  signIns: { address: string; userAgent: string; at: Date }[];
}

/** The member's open sessions, each with a button to end it (but this one), and "sign out everywhere" (on /settings). */
export function SessionList({ ctx, sessions }: { ctx: PageContext; sessions: AccountState['sessions'] }) {
  const { t } = ctx;
  const time = (d: Date) => dateTime(ctx, d);
  return (
    <Fragment>
      <h2>{t.sessions}</h2>
      <p class="hint">{t.sessionsHint}</p>
      <table class="sessions">
        <thead>
          <tr>
            <th>{t.signedInAt}</th>
            <th>{t.lastSeen}</th>
            <th>{t.address}</th>
            <th>{t.browser}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr>
              <td>{time(s.createdAt)}</td>
              <td>{time(s.lastSeenAt)}</td>
              <td>{s.address}</td>
              <td>{s.userAgent}</td>
              <td>
                {s.current ? (
                  <strong>{t.thisSession}</strong>
                ) : (
                  <form method="post" action={href(ctx, `/settings/sessions/${s.id}/revoke`)} class="inline">
                    <button type="submit">{t.revokeSession}</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={href(ctx, '/logout/all')}>
        <button type="submit">{t.logoutEverywhere}</button>
      </form>
    </Fragment>
  );
}

/** The password change form, with the refusal of the last try (if any) above it. */
export function PasswordForm({ ctx, refusal }: { ctx: PageContext; refusal: AppError | undefined }) {
  const { t } = ctx;
  return (
    <Fragment>
      <h2>{t.changePassword}</h2>
      <form method="post" action={href(ctx, '/settings/password')} class="credentials">
        <Refusal ctx={ctx} error={refusal} />
        <label>
          {t.currentPassword}
          <input name="currentPassword" type="password" required autocomplete="current-password" />
        </label>
        <label>
          {t.newPassword}
          <input name="newPassword" type="password" required minlength="8" autocomplete="new-password" />
        </label>
        <button type="submit">{t.changePassword}</button>
      </form>
    </Fragment>
  );
}

/** The member's latest sign-ins (kept 90 days). */
export function SignInList({ ctx, signIns }: { ctx: PageContext; signIns: AccountState['signIns'] }) {
  const { t } = ctx;
  return (
    <Fragment>
      <h2>{t.signIns}</h2>
      <p class="hint">{t.signInsHint}</p>
      <table class="sign-ins">
        <thead>
          <tr>
            <th>{t.signedInAt}</th>
            <th>{t.address}</th>
            <th>{t.browser}</th>
          </tr>
        </thead>
        <tbody>
          {signIns.map((s) => (
            <tr>
              <td>{dateTime(ctx, s.at)}</td>
              <td>{s.address}</td>
              <td>{s.userAgent}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Fragment>
  );
}
