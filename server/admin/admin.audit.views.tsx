import type { AuditLine } from '../audit/audit';
import { href } from '../http/paths';
import type { FreeText } from '../text/localize';
import { Fragment, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';

/** `/admin/audit`: the admins' changes to the site, newest first, each with what it was before and after. */

/** A side of a change as readable JSON; nothing before a creation, nothing after a deletion. */
function Side({ ctx, line, side, asWritten }: { ctx: PageContext; line: AuditLine; side: 'before' | 'after'; asWritten: FreeText }) {
  const value = line[side];
  if (value === null || value === undefined) return <span class="none">{ctx.t.admin.nothing}</span>;
  const free = FREE_TEXT[line.subject.slice(0, line.subject.indexOf(':'))];
  const shown = (key: string, v: unknown) => (typeof v === 'string' && free?.has(key) ? asWritten(v) : v);
  return <pre>{JSON.stringify(value, shown, 1)}</pre>;
}

/**
 * The keys of a line's sides that hold what somebody wrote, by the kind of its subject: a board's
 * name and description, a ban's reason, a setting's value (the site's name, its notices). A record
 * of what was given, so shown as written, in its own script, but with its pins resolved (as
 * written: each pin's first alternative), never their syntax. A member's name is a name; a
 * glossary's own lines (the term changed) stay as given, as the glossary's page shows its terms.
 */
const FREE_TEXT: Record<string, ReadonlySet<string> | undefined> = {
  board: new Set(['name', 'description']),
  member: new Set(['reason']),
  address: new Set(['reason']),
  setting: new Set(['value']),
};

/**
 * The member a line is about (subject `member:<name>`, the name when the admin acted), for a link
 * to their console page: addressed by that name, it still opens once the account is deleted and
 * shown as 已註銷用戶 (admin.members.ts), where /u/ would not.
 */
const memberOf = (subject: string) => (subject.startsWith('member:') ? subject.slice('member:'.length) : null);

/** The page; `asWritten` shows free text as written with its pins resolved (text/localize.ts freeTextIn, no variant). */
export function auditPageView(
  ctx: PageContext,
  data: { lines: AuditLine[]; older: string | null },
  subject: string | undefined,
  asWritten: FreeText,
): string {
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
                <Side ctx={ctx} line={line} side="before" asWritten={asWritten} />
              </td>
              <td>
                <Side ctx={ctx} line={line} side="after" asWritten={asWritten} />
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
