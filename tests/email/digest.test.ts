import type { Kysely } from 'kysely';
import type { ParsedMail } from 'mailparser';
import pino from 'pino';
import { loadConfig } from '../../server/config';
import { connect } from '../../server/db/connect';
import type { Database, NotificationKind } from '../../server/db/database';
import { deleteMember } from '../../server/admin/admin.members';
import { DIGEST_JOB, sendDigests } from '../../server/email/email.digest';
import { type JobRunner, createJobRunner } from '../../server/jobs/jobs.runner';
import { type Mailer, createMailer } from '../../server/mail/mail.transport';
import type { Variant } from '../../server/variants';
import { createMember, createReply, createThread } from '../factories';
import { type MailApp, PUBLIC_URL, startMailApp } from './setup';
import { recipient } from './smtp';

let mail: MailApp;
let mailer: Mailer;
const silent = pino({ level: 'silent' });
beforeAll(async () => {
  mail = await startMailApp();
  mailer = createMailer(loadConfig({ SMTP_URL: mail.smtp.url, PUBLIC_URL }).mail!, silent);
});
afterAll(async () => {
  mailer.close();
  await mail.close();
});

let counter = 0;

/** A member who chose the digest, with a verified address. */
async function subscriber(options: { variant?: Variant; sentAt?: Date } = {}) {
  const member = await createMember(mail.app.db);
  const email = `digest.${Date.now() % 100000}.${counter++}@example.net`;
  await mail.app.db
    .updateTable('users')
    .set({
      email,
      email_verified_at: new Date(),
      digest: true,
      mail_variant: options.variant ?? null,
      digest_sent_at: options.sentAt ?? null,
    })
    .where('id', '=', member.id)
    .execute();
  return { ...member, email };
}

/** Writes a notification row as the notifications feature would. */
async function notification(
  memberId: string,
  n: { kind: NotificationKind; actorId?: string; threadId?: string; postId?: string; read?: boolean; at?: Date },
) {
  await mail.app.db
    .insertInto('notifications')
    .values({
      member_id: memberId,
      kind: n.kind,
      actor_id: n.actorId ?? null,
      thread_id: n.threadId ?? null,
      post_id: n.postId ?? null,
      read_at: n.read ? new Date() : null,
      ...(n.at ? { created_at: n.at } : {}),
    })
    .execute();
}

const header = (m: ParsedMail, name: string) => m.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '');
const digestRow = (id: string) =>
  mail.app.db.selectFrom('users').select(['digest', 'digest_sent_at']).where('id', '=', id).executeTakeFirstOrThrow();
/** Waits until the job runner recorded the end of a run of `job`. */
async function finished(job: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = await mail.app.db.selectFrom('jobs').select(['last_finished_at', 'last_error']).where('name', '=', job).executeTakeFirst();
    if (row?.last_finished_at) return expect(row.last_error).toBeNull();
    if (Date.now() > deadline) throw new Error(`${job} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const deps = () => ({ db: mail.app.db, mailer, log: silent, timeZone: 'Asia/Shanghai', conversions: mail.app.caches.conversions });

describe('the daily digest', () => {
  let runners: JobRunner[] = [];
  let other: Kysely<Database>;
  beforeAll(() => {
    other = connect(mail.app.url, { max: 3 });
  });
  afterAll(() => other.destroy());
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.close()));
    runners = [];
  });

  it('sends each due member one email of their unread notifications, once across two processes, with one-click unsubscribe', async () => {
    const reader = await subscriber();
    const actor = await createMember(mail.app.db);
    const thread = await createThread(mail.app.db, { author: reader, title: '今晚的月亮' });
    // The reply notifies the reader itself (a direct reply to their post).
    const reply = await createReply(mail.app.db, thread.id, { author: actor, title: '真圓' });
    await notification(reader.id, { kind: 'mention', actorId: actor.id, threadId: thread.id, postId: reply.id });
    await notification(reader.id, { kind: 'followed-thread', actorId: actor.id, threadId: thread.id, postId: thread.id, read: true });
    const quiet = await subscriber();

    // Two processes run the job runner on one database: the job runs once.
    for (const db of [mail.app.db, other]) {
      const runner = createJobRunner(db, silent, { firstAttemptMs: 10 });
      runner.every(DIGEST_JOB, 3_600_000, (signal) => sendDigests({ ...deps(), db }, signal));
      runners.push(runner);
    }
    const digest = await mail.smtp.waitFor((m) => recipient(m) === reader.email);
    expect(digest.subject).toBe('跟帖論壇：您有 2 條未讀通知');
    expect(digest.text).toContain(`${actor.name} 回覆了您的帖子「今晚的月亮」`);
    expect(digest.text).toContain(`${actor.name} 在「今晚的月亮」中提到了您`);
    expect(digest.text).not.toContain('發表了新主題');
    expect(digest.text).toContain(`${PUBLIC_URL}/t/${thread.id}?at=${reply.id}#p${reply.id}`);
    expect(digest.html).toContain(`<a href="${PUBLIC_URL}/t/${thread.id}?at=${reply.id}#p${reply.id}"`);

    const unsubscribe = header(digest, 'list-unsubscribe')!;
    expect(unsubscribe).toMatch(new RegExp(`^<${PUBLIC_URL}/email/unsubscribe\\?token=[A-Za-z0-9_-]{43}>$`));
    expect(header(digest, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    await finished(DIGEST_JOB);
    await Promise.all(runners.map((r) => r.close()));
    runners = [];
    expect(mail.smtp.messages.filter((m) => recipient(m) === reader.email)).toHaveLength(1);
    // Nothing unread, no email; both are done for the day.
    expect(mail.smtp.messages.filter((m) => recipient(m) === quiet.email)).toHaveLength(0);
    expect((await digestRow(quiet.id)).digest_sent_at).toBeInstanceOf(Date);
    expect((await digestRow(reader.id)).digest_sent_at).toBeInstanceOf(Date);

    // A mail client's one-click unsubscribe: a POST to the header's URL, no session, no page.
    const url = new URL(unsubscribe.slice(1, -1));
    const res = await mail.app
      .client()
      .request('POST', url.pathname + url.search, { raw: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect((await digestRow(reader.id)).digest).toBe(false);
    const again = await mail.app.client().request('POST', url.pathname + url.search, { raw: 'List-Unsubscribe=One-Click' });
    expect(again.status).toBe(400);
  });

  it('lists only what arrived since the last digest, and sends nothing before a day has passed', async () => {
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    const reader = await subscriber({ sentAt: dayAgo });
    await notification(reader.id, { kind: 'banned', at: new Date(dayAgo.getTime() - 60_000) });
    await notification(reader.id, { kind: 'report-handled' });
    expect(await sendDigests(deps())).toBeGreaterThanOrEqual(1);
    const digest = await mail.smtp.waitFor((m) => recipient(m) === reader.email);
    expect(digest.subject).toBe('跟帖論壇：您有 1 條未讀通知');
    expect(digest.text).toContain('您的舉報已處理');
    expect(digest.text).not.toContain('封禁');

    await notification(reader.id, { kind: 'report-handled' });
    await sendDigests(deps());
    expect(mail.smtp.messages.filter((m) => recipient(m) === reader.email)).toHaveLength(1);
  });

  it('writes in the member’s script, titles converted, names as written', async () => {
    const reader = await subscriber({ variant: 'zh-hans' });
    const actor = await createMember(mail.app.db, { name: `張三_${counter++}` });
    const thread = await createThread(mail.app.db, { author: reader, title: '關於軟體的討論' });
    await notification(reader.id, { kind: 'thread-reply', actorId: actor.id, threadId: thread.id, postId: thread.id });
    await sendDigests(deps());
    const digest = await mail.smtp.waitFor((m) => recipient(m) === reader.email);
    expect(digest.subject).toBe('跟帖论坛：您有 1 条未读通知');
    expect(digest.text).toContain(`${actor.name} 在您的主题“关于软件的讨论”中跟帖`);
    expect(digest.text).toContain(`${PUBLIC_URL}/zh-hans/t/${thread.id}`);
    expect(header(digest, 'list-unsubscribe')).toContain(`${PUBLIC_URL}/zh-hans/email/unsubscribe?token=`);
  });

  it('names an account deleted since as 已註銷用戶 in the member’s script, never by the name it had', async () => {
    const hans = await subscriber({ variant: 'zh-hans' });
    const hant = await subscriber();
    const actor = await createMember(mail.app.db, { name: `Leaver_${counter++}` });
    const thread = await createThread(mail.app.db, { author: hans, title: '告別' });
    const reply = await createReply(mail.app.db, thread.id, { author: actor, title: '再見' });
    for (const m of [hans, hant]) await notification(m.id, { kind: 'mention', actorId: actor.id, threadId: thread.id, postId: reply.id });
    // An admin deletes the account keeping its posts (the console's and the CLI's member:delete).
    await deleteMember(mail.app.db, 'cli', actor.name, 'keep');
    await sendDigests(deps());
    const [simplified, traditional] = await Promise.all([hans, hant].map((m) => mail.smtp.waitFor((d) => recipient(d) === m.email)));
    expect(simplified!.text).toContain('已注销用户 在“告别”中提到了您');
    expect(traditional!.text).toContain('已註銷用戶 在「告別」中提到了您');
    for (const d of [simplified!, traditional!]) {
      expect(d.text!.toLowerCase()).not.toContain(actor.name.toLowerCase());
      expect(d.html).not.toMatch(/leaver_/i);
    }
    expect(simplified!.text).not.toContain('已註銷用戶');
  });

  it('shows the body’s unsubscribe link as a page with a button, which unsubscribes only when pressed', async () => {
    const reader = await subscriber();
    await notification(reader.id, { kind: 'report-handled' });
    await sendDigests(deps());
    const digest = await mail.smtp.waitFor((m) => recipient(m) === reader.email);
    const link = /https:\/\/bbs\.example\.org(\/email\/unsubscribe\?token=[A-Za-z0-9_-]+)/.exec(digest.text!)![1]!;
    const browser = mail.app.client();
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('確定不再接收每日摘要嗎？');
    expect((await digestRow(reader.id)).digest).toBe(true);
    const done = await browser.postForm(link, {});
    expect(done.status).toBe(200);
    expect(done.text).toContain('已退訂每日摘要');
    expect((await digestRow(reader.id)).digest).toBe(false);
    expect((await browser.get(link)).status).toBe(400);
  });

  it('skips members without a verified address, deleted accounts and those who did not choose it', async () => {
    const unverified = await subscriber();
    await mail.app.db.updateTable('users').set({ email_verified_at: null }).where('id', '=', unverified.id).execute();
    const deleted = await subscriber();
    await mail.app.db.updateTable('users').set({ deleted_at: new Date() }).where('id', '=', deleted.id).execute();
    const off = await subscriber();
    await mail.app.db.updateTable('users').set({ digest: false }).where('id', '=', off.id).execute();
    const wanted = await subscriber();
    for (const m of [unverified, deleted, off, wanted]) await notification(m.id, { kind: 'report-handled' });
    // Each digest is in the SMTP server's hands once sendDigests is done (it awaits each send).
    await sendDigests(deps());
    const to = new Set(mail.smtp.messages.map(recipient));
    for (const m of [unverified, deleted, off]) expect(to.has(m.email)).toBe(false);
    expect(to.has(wanted.email)).toBe(true);
  });
});
