import { memberName } from '../views/member';
import type { AppError } from '../errors';
import { href } from '../http/paths';
import { ActionButton } from '../views/buttons';
import { Fragment, h } from '../views/html';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { MessageReport, ReportReading } from './messages.reports';
import { MessageArticle } from './messages.views';

/** Who reported whose message, when, why; and how it ended, once it did. */
function ReportSummary({ ctx, r }: { ctx: PageContext; r: MessageReport }) {
  const { pm } = ctx.t;
  return (
    <Fragment>
      <p>
        {pm.reportOf(r.sender, r.reporter)} <time datetime={r.createdAt.toISOString()}>{dateTime(ctx, r.createdAt)}</time>
      </p>
      <p class="report-reason">
        {ctx.t.reason}：{ctx.shown(r.reason)}
      </p>
      {r.resolution ? <p class="notice">{pm.resolved(pm.resolutions[r.resolution], r.resolvedBy ?? '')}</p> : null}
    </Fragment>
  );
}

/** `/admin/message-reports`: the open reports, oldest first; no message content here. */
export function reportsPage(ctx: PageContext, list: MessageReport[]): string {
  const { pm } = ctx.t;
  return renderPage(
    ctx,
    pm.reports,
    <section class="message-reports">
      <h1>{pm.reports}</h1>
      {list.length === 0 ? (
        <p>{pm.noReports}</p>
      ) : (
        <ul class="reports">
          {list.map((r) => (
            <li class="report" id={`r${r.id}`}>
              <ReportSummary ctx={ctx} r={r} />
              <a href={href(ctx, `/admin/message-reports/${r.id}`)}>{pm.readThroughReport}</a>
            </li>
          ))}
        </ul>
      )}
    </section>,
  );
}

/** `/admin/message-reports/:id`: the report, the reported message (this reading is logged), the readings, and how to close it. */
export function reportPage(ctx: PageContext, reading: ReportReading, refusal?: AppError): string {
  const { pm } = ctx.t;
  const { report, message, reads } = reading;
  const action = href(ctx, `/admin/message-reports/${report.id}/resolve`);
  return renderPage(
    ctx,
    pm.reports,
    <section class="message-report">
      <h1>
        <a href={href(ctx, '/admin/message-reports')}>{pm.reports}</a>
      </h1>
      <Refusal ctx={ctx} error={refusal} />
      <ReportSummary ctx={ctx} r={report} />
      <MessageArticle ctx={ctx} m={{ ...message, readAt: message.readAt ?? new Date(0) }} heading="h1" />
      {report.resolution ? null : (
        <div class="post-actions">
          <ActionButton action={action} label={pm.dismiss}>
            <input type="hidden" name="resolution" value="dismissed" />
          </ActionButton>
          <ActionButton action={action} label={pm.banSender}>
            <input type="hidden" name="resolution" value="banned" />
            <input name="days" type="number" min="1" max="3650" value="30" aria-label={pm.banDays} />
            <input name="reason" required maxlength="500" placeholder={pm.banReason} aria-label={pm.banReason} />
          </ActionButton>
        </div>
      )}
      <p class="reads">
        {pm.readsLogged}
        {reads.map((r) => (
          <span class="read">
            {memberName(ctx, r.name)} <time datetime={r.at.toISOString()}>{dateTime(ctx, r.at)}</time>{' '}
          </span>
        ))}
      </p>
    </section>,
  );
}
