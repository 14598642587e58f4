import { MemberLink } from '../views/member';
import type { NamedMember } from '../members/names.service';
import { h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';

function NamedMemberLine({ ctx, member }: { ctx: PageContext; member: NamedMember }) {
  return (
    <span class="member">
      <MemberLink ctx={ctx} name={member.name} /> {spelledOut(member.name) === member.name ? null : <code>{spelledOut(member.name)}</code>}{' '}
      {ctx.t.roles[member.role]}, {ctx.t.memberSince}{' '}
      <time datetime={member.createdAt.toISOString()}>{dateTime(ctx, member.createdAt)}</time>
    </span>
  );
}

/** The name with each character other than ASCII letters, digits and Chinese shown as [U+XXXX]: lookalikes told apart. */
function spelledOut(name: string): string {
  return [...name]
    .map((c) => (/^[A-Za-z0-9_\-.\p{Script=Han}]$/u.test(c) ? c : `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`))
    .join('');
}

/** `/admin/names`: groups of lookalike names, and names with invisible characters. */
export function lookalikeNamesPage(ctx: PageContext, data: { lookalikes: NamedMember[][]; invisible: NamedMember[] }): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.lookalikeNames,
    <section class="admin-names">
      <h1>{t.lookalikeNames}</h1>
      <p>{t.lookalikeNamesHint}</p>
      {data.lookalikes.length === 0 && data.invisible.length === 0 ? <p>{t.noLookalikes}</p> : null}
      <ul class="lookalikes">
        {data.lookalikes.map((group) => (
          <li>
            <ul>
              {group.map((m) => (
                <li>
                  <NamedMemberLine ctx={ctx} member={m} />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {data.invisible.length > 0 ? <h2>{t.invisibleNames}</h2> : null}
      <ul class="invisible-names">
        {data.invisible.map((m) => (
          <li>
            <NamedMemberLine ctx={ctx} member={m} />
          </li>
        ))}
      </ul>
    </section>,
  );
}
