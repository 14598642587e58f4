import { href } from '../http/paths';
import type { AddressBan } from '../limits/address-bans';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';

/** The admins' address pages: a member's post addresses, and the address bans with their form. */

/** `/admin/members/:name/addresses`. */
export function memberAddressesPage(
  ctx: PageContext,
  data: { name: string; addresses: { postId: string; address: string; at: Date }[] },
): string {
  const b = ctx.t.bans;
  return renderPage(
    ctx,
    b.addresses(data.name),
    <section class="admin-addresses">
      <h1>{b.addresses(data.name)}</h1>
      {data.addresses.length === 0 ? (
        <p>{b.noAddresses}</p>
      ) : (
        <table>
          <tr>
            <th>{b.address}</th>
            <th>{b.post}</th>
            <th>{b.at}</th>
          </tr>
          {data.addresses.map((a) => (
            <tr>
              <td class="address">{a.address}</td>
              <td>
                <a href={href(ctx, `/t/${a.postId}`)}>{a.postId}</a>
              </td>
              <td>
                <time datetime={a.at.toISOString()}>{dateTime(ctx, a.at)}</time>
              </td>
            </tr>
          ))}
        </table>
      )}
    </section>,
  );
}

/** `/admin/address-bans`: the bans in force, a form to add one, a button to lift each. */
export function addressBansPage(ctx: PageContext, bans: AddressBan[], error?: string): string {
  const b = ctx.t.bans;
  return renderPage(
    ctx,
    b.addressBans,
    <section class="admin-address-bans">
      <h1>{b.addressBans}</h1>
      {error ? <p class="error">{error}</p> : null}
      <form method="post" action={href(ctx, '/admin/address-bans')}>
        <label>
          {b.range} <input name="range" required />
        </label>{' '}
        <label>
          {b.expires} <input name="until" required />
        </label>{' '}
        <label>
          {b.reason} <input name="reason" required />
        </label>{' '}
        <button type="submit">{b.ban}</button>
      </form>
      {bans.length === 0 ? (
        <p>{b.noAddressBans}</p>
      ) : (
        <table class="address-bans">
          <tr>
            <th>{b.range}</th>
            <th>{b.until}</th>
            <th>{b.reason}</th>
            <th />
          </tr>
          {bans.map((ban) => (
            <tr>
              <td class="range">{ban.range}</td>
              <td>
                <time datetime={ban.expiresAt.toISOString()}>{dateTime(ctx, ban.expiresAt)}</time>
              </td>
              <td>{ctx.shown(ban.reason)}</td>
              <td>
                <form method="post" action={href(ctx, '/admin/address-bans/unban')}>
                  <input type="hidden" name="range" value={ban.range} />
                  <button type="submit">{b.unban}</button>
                </form>
              </td>
            </tr>
          ))}
        </table>
      )}
    </section>,
  );
}
