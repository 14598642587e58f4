/**
 * A member's name on a page: every view shows names through these, so the one name the site
 * writes itself (已註銷用戶, a deleted account's kept posts: text/localize.ts shownName) is in the
 * reader's script wherever it appears, and each name links to the member's home the same way.
 */
import type { Variant } from '../variants';
import { href, type LinkContext } from '../http/paths';
import { shownName } from '../text/localize';
import { h } from './html';

/** The address of a member's home page (/u/<name>), before the reader's prefix. */
export const memberHref = (name: string) => `/u/${encodeURIComponent(name)}`;

/** A member's name as a reader of the page sees it (shownName). */
export const memberName = (ctx: { variant: Variant | undefined }, name: string) => shownName(name, ctx.variant);

/** A member's name linking to their home page, in the reader's script and under their prefix. */
export function MemberLink({
  ctx,
  name,
  class: cls,
}: {
  ctx: LinkContext & { variant: Variant | undefined };
  name: string;
  class?: string;
}) {
  const shown = memberName(ctx, name);
  return (
    <a href={href(ctx, memberHref(shown))} class={cls}>
      {shown}
    </a>
  );
}
