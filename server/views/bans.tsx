import type { ShownBan } from '../policy/policy.repository';
import { h } from './html';
import type { PageContext } from './layout';
import { zonedDateTime } from './time';

/**
 * A member's own bans in force, on their home page and /settings: where, until when (in their own
 * time zone when they set one, else the site's; named) and why, in the reader's script. Nothing when there is none.
 */
export function OwnBans({ ctx, bans }: { ctx: PageContext; bans: readonly ShownBan[] | undefined }) {
  if (!bans || bans.length === 0) return null;
  const b = ctx.t.bans;
  return (
    <section class="own-bans" id="bans" role="status">
      <h2>{b.yourBans}</h2>
      <ul>
        {bans.map((ban) => (
          <li>
            {b.yourBan(
              ban.board ? b.inBoard(ctx.shown(ban.board.name, ban.board.id)) : b.wholeSite,
              zonedDateTime(ctx, ban.expiresAt, ctx.member?.timeZone ?? null),
              ctx.shown(ban.reason, ban.board?.id),
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
