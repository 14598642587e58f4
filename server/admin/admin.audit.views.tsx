import type { AuditLine } from '../audit/audit';
import { href } from '../http/paths';
import { Fragment, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';

/** `/admin/audit`: the admins' changes to the site, newest first, each with what it was before and after. */

/** A side of a change as readable JSON; nothing before a creation, nothing after a deletion. */
function Side({ ctx, value }: { ctx: PageContext; value: unknown }) {
  if (value === null || value === undefined) return <span class="none">{ctx.t.admin.nothing}</span>;
  return <pre>{JSON.stringify(value, null, 1)}</pre>;
}

/**
 * The member a line is about (subject `member:<name>`, the name when the admin acted), for a link
 * to their console page: addressed by that name, it still opens once the account is deleted and
 * shown as 已註銷用戶 (admin.members.ts), where /u/ would not.
 */
const memberOf = (subject: string) => (subject.startsWith('member:') ? subject.slice('member:'.length) : null);

export function auditPageView(ctx: PageContext, data: { lines: AuditLine[]; older: string | null }, subject?: string): string {
  const a = ctx.t.admin;
  const query = subject ? `subject=${encodeURIComponent(subject)}&` : '';
  return renderPage(
    ctx,
    a.audit,
    <section class="admin-audit">
      <h1>{a.audit}</h1>
      <p>{a.auditHint}</p>
      {data.lines.length === 0 ? (
        <p>{a.auditEmpty}</p>
      ) : (
        <table>
          <tr>
            <th>{a.when}</th>
            <th>{a.actor}</th>
            <th>{a.action}</th>
            <th>{a.subject}</th>
            <th>{a.before}</th>
            <th>{a.after}</th>
          </tr>
          {data.lines.map((line) => (
            <tr id={`audit-${line.id}`}>
              <td>
                <time datetime={line.at.toISOString()}>{dateTime(ctx, line.at)}</time>
              </td>
              <td>{line.actorName}</td>
              <td>
                <code>{line.action}</code>
              </td>
              <td>
                <a href={href(ctx, `/admin/audit?subject=${encodeURIComponent(line.subject)}`)}>{line.subject}</a>
                {memberOf(line.subject) ? (
                  <>
                    {' '}
                    <a href={href(ctx, `/admin/members/${encodeURIComponent(memberOf(line.subject)!)}`)}>{a.memberConsole}</a>
                  </>
                ) : null}
              </td>
              <td>
                <Side ctx={ctx} value={line.before} />
              </td>
              <td>
                <Side ctx={ctx} value={line.after} />
              </td>
            </tr>
          ))}
        </table>
      )}
      {data.older ? (
        <nav class="pager">
          <a rel="next" href={href(ctx, `/admin/audit?${query}before=${data.older}`)}>
            {a.older}
          </a>
        </nav>
      ) : null}
    </section>,
  );
}
