import type { BodyFormat } from '../db/database';
import { FormatSelect, textareaText } from '../views/composer';
import { Avatar } from '../views/avatar';
import { SETTABLE_NOTIFICATION_KINDS } from '../db/member';
import type { AppError, PacedAction } from '../errors';
import { PACED_ACTIONS, type ShownLimit } from '../limits/paced';
import { href } from '../http/paths';
import { type AccountState, PasswordForm, SessionList, SignInList } from '../members/members.views';
import { memberHref } from '../posts/posts.lines';
import type { ShownBan } from '../policy/policy.repository';
import { OwnBans } from '../views/bans';
import { ActionButton } from '../views/buttons';
import { h } from '../views/html';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { NewMemberNumbers } from '../views/messages';
import type { Settings } from './settings.service';

/** Which form of /settings was refused, with the member's input, or what was just saved. */
export type SettingsForm =
  | { form: 'profile'; refusal: AppError; profile: string; format?: BodyFormat }
  | { form: 'preferences' | 'password' | 'delete'; refusal: AppError }
  | undefined;

/** What /settings shows. */
export interface SettingsState extends AccountState {
  settings: Settings;
  /** How many members the member ignores (a link to the list). */
  ignoredCount: number;
  /** Whether the site sends email (SMTP_URL): only then is there an email section. */
  email: boolean;
  /** The paced actions' limits that apply to the member and their address, and whether they are new. */
  limits: { newMember: boolean; newMemberHours: number; numbers: NewMemberNumbers; shown: ShownLimit[] };
  /** The member's bans in force: why and until when. */
  bans?: readonly ShownBan[];
  /** 'profile', 'preferences' or 'password' after saving it. */
  saved?: string;
  refused?: SettingsForm;
}

const refusalOf = (state: SettingsState, form: NonNullable<SettingsForm>['form']) =>
  state.refused?.form === form ? state.refused.refusal : undefined;

function Saved({ ctx, state, what }: { ctx: PageContext; state: SettingsState; what: string }) {
  const { t } = ctx;
  if (state.saved !== what) return null;
  const text = what === 'profile' ? t.profileSaved : what === 'password' ? t.passwordChanged : t.preferencesSaved;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** The profile form: the stored (sanitized) HTML, or what a refused try held. */
function ProfileForm({ ctx, state }: { ctx: PageContext; state: SettingsState }) {
  const { t } = ctx;
  const refused = state.refused?.form === 'profile' ? state.refused : undefined;
  const value = refused ? refused.profile : state.settings.profileSource;
  const format = refused ? refused.format : state.settings.profileFormat;
  return (
    <section id="profile" aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t.profile}</h2>
      <Saved ctx={ctx} state={state} what="profile" />
      <form method="post" action={href(ctx, '/settings/profile')} class="post-form">
        <Refusal ctx={ctx} error={refusalOf(state, 'profile')} />
        <p class="hint">{t.profileHint}</p>
        <textarea name="profile" rows="8" aria-label={t.profile}>
          {textareaText(value)}
        </textarea>
        <FormatSelect ctx={ctx} value={format} />
        <button type="submit">{t.saveProfile}</button>
      </form>
      <p>
        <a href={href(ctx, memberHref(ctx.member!.name))}>{t.memberHome(ctx.member!.name)}</a>
      </p>
    </section>
  );
}

/** The zones a member may choose (Intl's list; UTC is among them). */
const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone').includes('UTC')
  ? Intl.supportedValuesOf('timeZone')
  : [...Intl.supportedValuesOf('timeZone'), 'UTC'];

/** A checkbox per notification kind a member may turn off, "hide last seen" and one's time zone. */
function PreferencesForm({ ctx, state }: { ctx: PageContext; state: SettingsState }) {
  const { t } = ctx;
  return (
    <section id="preferences" aria-labelledby="preferences-heading">
      <h2 id="preferences-heading">{t.preferences}</h2>
      <Saved ctx={ctx} state={state} what="preferences" />
      <form method="post" action={href(ctx, '/settings/preferences')} class="settings-form">
        <Refusal ctx={ctx} error={refusalOf(state, 'preferences')} />
        <fieldset>
          <legend>{t.notifyMe}</legend>
          {SETTABLE_NOTIFICATION_KINDS.map((kind) => (
            <label class="check">
              <input type="checkbox" name={`notify-${kind}`} value="on" checked={state.settings.notify[kind]} />
              {t.notificationKinds[kind]}
            </label>
          ))}
          <p class="hint">{t.moderationAlways}</p>
        </fieldset>
        <label class="check">
          <input type="checkbox" name="hideLastSeen" value="on" checked={state.settings.hideLastSeen} />
          {t.hideLastSeen}
        </label>
        <label>
          {t.timeZone}
          <select name="timeZone">
            <option value="" selected={state.settings.timeZone === null}>
              {t.siteTimeZone(ctx.timeZone)}
            </option>
            {TIME_ZONES.map((zone) => (
              <option value={zone} selected={state.settings.timeZone === zone}>
                {zone}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t.savePreferences}</button>
      </form>
    </section>
  );
}

/** The account's end: password to confirm, and a box to tick. */
function DeleteForm({ ctx, state }: { ctx: PageContext; state: SettingsState }) {
  const { t } = ctx;
  return (
    <section id="delete" aria-labelledby="delete-heading" class="danger">
      <h2 id="delete-heading">{t.deleteAccount}</h2>
      <p class="hint">{t.deleteAccountHint}</p>
      <form method="post" action={href(ctx, '/settings/delete')} class="credentials">
        <Refusal ctx={ctx} error={refusalOf(state, 'delete')} />
        <label>
          {t.password}
          <input name="password" type="password" required autocomplete="current-password" />
        </label>
        <label class="check">
          <input type="checkbox" name="confirm" value="yes" required />
          {t.confirmDelete}
        </label>
        <button type="submit">{t.deleteAccount}</button>
      </form>
    </section>
  );
}

/**
 * `/settings`: the member's profile, notification preferences and "last seen", the members they
 * ignore, email (when the site sends it), password, sessions and sign-ins, the download of their
 * data, and the deletion of their account. Every form works without JavaScript.
 */
export function settingsPage(ctx: PageContext, state: SettingsState): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.account,
    <section class="account settings">
      <h1>{t.account}</h1>
      <nav class="settings-nav" aria-label={t.settings}>
        <a href="#avatar">{t.uploads.avatar}</a>
        <a href="#profile">{t.profile}</a>
        <a href="#preferences">{t.preferences}</a>
        <a href={href(ctx, '/settings/ignored')}>{t.ignoredMembers}</a>
        {state.email ? <a href={href(ctx, '/settings/email')}>{t.emailSettings}</a> : null}
        <a href="#password">{t.changePassword}</a>
        <a href="#sessions">{t.sessions}</a>
        <a href="#limits">{t.yourLimits}</a>
        <a href="#export">{t.exportData}</a>
        <a href="#delete">{t.deleteAccount}</a>
      </nav>
      <OwnBans ctx={ctx} bans={state.bans} />
      <section id="avatar" aria-labelledby="avatar-heading">
        <h2 id="avatar-heading">{t.uploads.avatar}</h2>
        <p>
          <Avatar name={ctx.member!.name} size={64} /> <a href={href(ctx, '/settings/avatar')}>{t.uploads.avatarChange}</a>
        </p>
      </section>
      <ProfileForm ctx={ctx} state={state} />
      <PreferencesForm ctx={ctx} state={state} />
      <section id="ignored" aria-labelledby="ignored-heading">
        <h2 id="ignored-heading">{t.ignoredMembers}</h2>
        <p>
          <a href={href(ctx, '/settings/ignored')}>
            {t.ignoredMembers}（{t.ignoredCount(state.ignoredCount)}）
          </a>
        </p>
      </section>
      {/* The email section (address, verification, digest) lives at /settings/email, with SMTP_URL only. */}
      {state.email ? (
        <section id="email" aria-labelledby="email-heading">
          <h2 id="email-heading">{t.emailSettings}</h2>
          <p>
            <a href={href(ctx, '/settings/email')}>{t.emailSettings}</a>
          </p>
        </section>
      ) : null}
      <section id="password" aria-labelledby="password-heading">
        <Saved ctx={ctx} state={state} what="password" />
        <PasswordForm ctx={ctx} refusal={refusalOf(state, 'password')} />
      </section>
      <section id="sessions">
        <SessionList ctx={ctx} sessions={state.sessions} />
        <SignInList ctx={ctx} signIns={state.signIns} />
      </section>
      <LimitsTable ctx={ctx} limits={state.limits} />
      <section id="export" aria-labelledby="export-heading">
        <h2 id="export-heading">{t.exportData}</h2>
        <p class="hint">{t.exportHint}</p>
        <p>
          <a href={href(ctx, '/settings/export')} download>
            {t.exportData}
          </a>
        </p>
      </section>
      <DeleteForm ctx={ctx} state={state} />
    </section>,
  );
}

/** The limits on posting that apply to the member (a new member's while they are new) and to their address. */
function LimitsTable({ ctx, limits }: { ctx: PageContext; limits: SettingsState['limits'] }) {
  const { t } = ctx;
  const cell = (action: PacedAction, scope: 'member' | 'address', window: 'burst' | 'sustained') => {
    const rate = limits.shown.find((l) => l.action === action && l.scope === scope && l.window === window)!.rate;
    return <td>{t.rate(rate.points, rate.seconds)}</td>;
  };
  return (
    <section id="limits" aria-labelledby="limits-heading">
      <h2 id="limits-heading">{t.yourLimits}</h2>
      <p class="hint">{t.limitsHint(limits.newMember, limits.newMemberHours, limits.numbers)}</p>
      <table class="limits">
        <thead>
          <tr>
            <th></th>
            <th>{t.limitColumns.member}</th>
            <th>{t.limitColumns.memberSustained}</th>
            <th>{t.limitColumns.address}</th>
            <th>{t.limitColumns.addressSustained}</th>
          </tr>
        </thead>
        <tbody>
          {PACED_ACTIONS.map((action) => (
            <tr>
              <th>{t.pacedActions[action]}</th>
              {cell(action, 'member', 'burst')}
              {cell(action, 'member', 'sustained')}
              {cell(action, 'address', 'burst')}
              {cell(action, 'address', 'sustained')}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `/settings/ignored`: the members the member ignores, each with a button to stop. */
export function ignoredPage(ctx: PageContext, ignored: { name: string; since: Date }[]): string {
  const { t } = ctx;
  const back = href(ctx, '/settings/ignored');
  return renderPage(
    ctx,
    t.ignoredMembers,
    <section class="account ignored-list">
      <nav class="crumbs">
        <a href={href(ctx, '/settings')}>{t.account}</a>
      </nav>
      <h1>{t.ignoredMembers}</h1>
      <p class="hint">{t.ignoredHint}</p>
      {ignored.length === 0 ? (
        <p>{t.noIgnored}</p>
      ) : (
        <ul class="ignored-members">
          {ignored.map((m) => (
            <li>
              <a href={href(ctx, memberHref(m.name))}>{m.name}</a> <span class="hint">{t.ignoredSince(dateTime(ctx, m.since))}</span>
              <ActionButton action={href(ctx, `${memberHref(m.name)}/unignore`)} label={t.unignore}>
                <input type="hidden" name="back" value={back} />
              </ActionButton>
            </li>
          ))}
        </ul>
      )}
    </section>,
  );
}
