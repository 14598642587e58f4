import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';

interface FormState {
  next: string;
  username?: string;
  error?: string;
}

function CredentialsForm({ ctx, action, state, submit }: { ctx: PageContext; action: string; state: FormState; submit: string }) {
  const { t } = ctx;
  return (
    <form method="post" action={action} class="credentials">
      {state.error ? <p class="error-message" role="alert">{state.error}</p> : null}
      <input type="hidden" name="next" value={state.next} />
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
      <p>{t.noAccount} <a href={`/register?next=${encodeURIComponent(state.next)}`}>{t.register}</a></p>
    </section>,
  );
}

export function registerPage(ctx: PageContext, state: FormState): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.register,
    <section>
      <h1>{t.register}</h1>
      <p class="hint">{t.registerHint}</p>
      <CredentialsForm ctx={ctx} action="/register" state={state} submit={t.register} />
      <p>{t.haveAccount} <a href={`/login?next=${encodeURIComponent(state.next)}`}>{t.login}</a></p>
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
      <form method="post" action="/logout">
        <p>{t.logoutConfirm}</p>
        <button type="submit">{t.logout}</button>
      </form>
    </section>,
  );
}
