import { MemberLink } from '../views/member';
import { href } from '../http/paths';
import type { ShownBan } from '../policy/policy.repository';
import { Fragment, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';

/** Pages of visible bans: a board's public list, and a member's moderation info on a board. */

/** `/b/:slug/bans`: name, until when (the reader's time zone), reason; for moderators, the switch. */
export function publicBansPage(
  ctx: PageContext,
  data: { board: { id: string; slug: string; name: string }; bans: ShownBan[]; canModerate: boolean },
): string {
  const b = ctx.t.bans;
  const boardName = ctx.shown(data.board.name, data.board.id);
  return renderPage(
    ctx,
    b.publicListOf(boardName),
    <section class="public-bans">
      <h1>{b.publicListOf(boardName)}</h1>
      <p>
        <a href={href(ctx, `/b/${data.board.slug}`)}>{ctx.shown(data.board.name, data.board.id)}</a>
      </p>
      {data.bans.length === 0 ? (
        <p>{b.none}</p>
      ) : (
        <table class="bans">
          <tr>
            <th>{b.name}</th>
            <th>{b.until}</th>
            <th>{b.reason}</th>
          </tr>
          {data.bans.map((ban) => (
            <tr>
              <td>
                <MemberLink ctx={ctx} name={ban.name} />
              </td>
              <td>
                <time datetime={ban.expiresAt.toISOString()}>{dateTime(ctx, ban.expiresAt)}</time>
              </td>
              <td>{ctx.shown(ban.reason, data.board.id)}</td>
            </tr>
          ))}
        </table>
      )}
      {data.canModerate ? <PublicBansSwitch ctx={ctx} slug={data.board.slug} on={true} /> : null}
    </section>,
  );
}

/** The moderators' button that shows or hides the board's bans. */
export function PublicBansSwitch({ ctx, slug, on }: { ctx: PageContext; slug: string; on: boolean }) {
  return (
    <form method="post" action={href(ctx, `/b/${slug}/public-bans`)} class="public-bans-switch">
      <input type="hidden" name="on" value={on ? '0' : '1'} />
      <button type="submit">{on ? ctx.t.bans.hidePublicly : ctx.t.bans.showPublicly}</button>
    </form>
  );
}

/** `/b/:slug/members/:name` (moderators): whether the member shared an address with others active on the board. */
export function memberInfoPage(
  ctx: PageContext,
  data: { board: { id: string; slug: string; name: string }; name: string; sharesWith: string[]; publicBans: boolean },
): string {
  const b = ctx.t.bans;
  return renderPage(
    ctx,
    b.memberInfo(data.name),
    <section class="member-moderation">
      <h1>{b.memberInfo(data.name)}</h1>
      <p>
        <a href={href(ctx, `/b/${data.board.slug}`)}>{ctx.shown(data.board.name, data.board.id)}</a>
      </p>
      {data.sharesWith.length === 0 ? (
        <p class="shares-with">{b.sharesWithNobody}</p>
      ) : (
        <Fragment>
          <p class="shares-with">
            {b.sharesWith}
            {data.sharesWith.map((name, i) => (
              <Fragment>
                {i > 0 ? '、' : ''}
                <a href={href(ctx, `/b/${data.board.slug}/members/${encodeURIComponent(name)}`)}>{name}</a>
              </Fragment>
            ))}
          </p>
        </Fragment>
      )}
      <PublicBansSwitch ctx={ctx} slug={data.board.slug} on={data.publicBans} />
    </section>,
  );
}
