import { href } from '../http/paths';
import type { Invite } from '../members/invites';
import type { SettingState } from '../settings/settings';
import { formatDefault } from '../settings/settings';
import { Fragment, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';

/**
 * `/admin/settings` (every setting, grouped, one form per group; a setting its environment
 * variable sets is shown greyed out with the reason) and `/admin/invites` (issue, list, revoke).
 * Plain forms: they work without JavaScript.
 */

type Words = PageContext['t']['admin']['settings'];
type Group = keyof Words['groups'];

/** The group a setting is shown in, by its name. */
export function groupOf(name: string): Group {
  if (name.startsWith('site.')) return 'site';
  if (name.startsWith('registration.')) return 'registration';
  if (name === 'editWindowMinutes' || name === 'limits.duplicateMinutes') return 'posting';
  if (name.startsWith('limits.')) return 'limits';
  if (name.startsWith('uploads.')) return 'uploads';
  return 'other';
}

const GROUPS: Group[] = ['site', 'registration', 'posting', 'limits', 'uploads', 'other'];

/** A setting's label in the reader's script: its own, one made of a paced limit's parts, or its name. */
function labelOf(w: Words, name: string): string {
  const own = w.labels[name];
  if (own) return own;
  const paced = /^limits\.(\w+)\.(member|newMember|address)\.(burst|sustained)$/.exec(name);
  if (paced) {
    const action = w.paced.actions[paced[1] as keyof Words['paced']['actions']];
    if (action) return `${action}：${w.paced.scopes[paced[2] as 'member']}（${w.paced.windows[paced[3] as 'burst']}）`;
  }
  return name;
}

/** A refused change shown on the page: which setting, and why in the reader's script. */
export interface SettingsRefusal {
  name?: string;
  message: string;
}

function Field({ ctx, state }: { ctx: PageContext; state: SettingState }) {
  const w = ctx.t.admin.settings;
  const d = state.definition;
  const locked = state.source === 'env';
  const id = `setting-${state.name.replace(/\./g, '-')}`;
  const input =
    d.type === 'choice' ? (
      <select id={id} name={state.name} disabled={locked}>
        {d.values.map((v) => (
          <option value={v} selected={v === state.value}>
            {w.choices[v] ?? v}
          </option>
        ))}
      </select>
    ) : d.type === 'integer' ? (
      <input id={id} name={state.name} type="number" min={d.min} max={d.max} value={state.value} disabled={locked} />
    ) : d.type === 'rate' ? (
      <input id={id} name={state.name} value={state.value} size="8" disabled={locked} title={w.rateHint} />
    ) : (
      <input id={id} name={state.name} value={state.value} maxlength={d.maxLength} size="40" disabled={locked} />
    );
  return (
    <tr class={locked ? 'setting locked' : 'setting'} data-setting={state.name} data-source={state.source}>
      <th>
        <label for={id}>{labelOf(w, state.name)}</label>
      </th>
      <td>{input}</td>
      <td class="hint">
        {locked ? <span class="from-env">{w.fromEnv(state.env)}</span> : null}
        {locked ? ' · ' : null}
        {w.defaultIs(d.type === 'choice' ? (w.choices[d.default] ?? d.default) : formatDefault(d).replace(/^""$/, ''))}
        {d.type === 'integer' ? ` · ${w.between(d.min, d.max, d.unit)}` : null}
        {d.type === 'rate' ? ` · ${w.rateHint}` : null}
        <br />
        <code>{state.name}</code>
      </td>
      <td>
        {state.source === 'database' ? (
          <button type="submit" name="reset" value={state.name} formaction={href(ctx, '/admin/settings/reset')}>
            {w.reset}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** `/admin/settings`. `saved`: after a change; `refusal`: a refused one (the page answers 400 or 409). */
export function settingsPage(
  ctx: PageContext,
  states: SettingState[],
  options: { saved?: boolean; refusal?: SettingsRefusal } = {},
): string {
  const w = ctx.t.admin.settings;
  const refused = options.refusal;
  return renderPage(
    ctx,
    w.title,
    <section class="admin-settings">
      <h1>{w.title}</h1>
      <p class="hint">{w.hint}</p>
      <p>
        <a href={href(ctx, '/admin/invites')}>{w.invites}</a> · <a href={href(ctx, '/admin/audit')}>{ctx.t.admin.audit}</a>
      </p>
      {options.saved ? <p class="notice saved">{w.saved}</p> : null}
      {refused ? (
        <p class="error-message" role="alert" data-setting={refused.name}>
          {refused.name ? `${labelOf(w, refused.name)}：` : ''}
          {refused.message}
        </p>
      ) : null}
      {GROUPS.map((group) => {
        const members = states.filter((s) => groupOf(s.name) === group);
        if (members.length === 0) return null;
        return (
          <form method="post" action={href(ctx, '/admin/settings')} class="settings-group" id={`group-${group}`}>
            <h2>{w.groups[group]}</h2>
            <table>
              {members.map((state) => (
                <Field ctx={ctx} state={state} />
              ))}
            </table>
            <button type="submit">{w.save}</button>
          </form>
        );
      })}
    </section>,
  );
}

/** `/admin/invites`: a form to issue one, the link just made (shown once), and the list with a revoke button each. */
export function invitesPage(
  ctx: PageContext,
  invites: Invite[],
  options: { link?: { url: string; absolute: boolean }; error?: string } = {},
): string {
  const w = ctx.t.admin.settings;
  return renderPage(
    ctx,
    w.invites,
    <section class="admin-invites">
      <h1>{w.invites}</h1>
      <p class="hint">{w.invitesHint}</p>
      <p>
        <a href={href(ctx, '/admin/settings')}>{w.title}</a>
      </p>
      {options.error ? (
        <p class="error-message" role="alert">
          {options.error}
        </p>
      ) : null}
      {options.link ? (
        <p class="notice new-invite">
          {w.newInvite} <input readonly value={options.link.url} size="80" class="invite-link" />
          {options.link.absolute ? null : <strong class="relative-link">{w.relativeLink}</strong>}
        </p>
      ) : null}
      <form method="post" action={href(ctx, '/admin/invites')}>
        <label>
          {w.inviteExpires} <input name="expires" value="7d" size="12" required />
        </label>{' '}
        <label>
          <input type="checkbox" name="singleUse" value="1" /> {w.singleUse}
        </label>{' '}
        <button type="submit">{w.createInvite}</button>
        <br />
        <span class="hint">{w.inviteExpiresHint}</span>
      </form>
      {invites.length === 0 ? (
        <p>{w.noInvites}</p>
      ) : (
        <table class="invites">
          <tr>
            <th>{w.inviteId}</th>
            <th>{w.createdBy}</th>
            <th>{w.createdAt}</th>
            <th>{w.expiresAt}</th>
            <th>{w.uses}</th>
            <th>{w.state}</th>
            <th />
          </tr>
          {invites.map((invite) => (
            <tr id={`invite-${invite.id}`} data-state={invite.state}>
              <td>{invite.id}</td>
              <td>{invite.createdByName}</td>
              <td>
                <time datetime={invite.createdAt.toISOString()}>{dateTime(ctx, invite.createdAt)}</time>
              </td>
              <td>
                <time datetime={invite.expiresAt.toISOString()}>{dateTime(ctx, invite.expiresAt)}</time>
              </td>
              <td>{w.usesOf(invite.uses, invite.maxUses)}</td>
              <td>{w.states[invite.state]}</td>
              <td>
                {invite.state === 'live' ? (
                  <form method="post" action={href(ctx, `/admin/invites/${invite.id}/revoke`)}>
                    <button type="submit">{w.revoke}</button>
                  </form>
                ) : (
                  <Fragment />
                )}
              </td>
            </tr>
          ))}
        </table>
      )}
    </section>,
  );
}
