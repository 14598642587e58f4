import { sql } from 'kysely';
import type { Board } from '../../server/boards/boards.service';
import type { HttpClient, TestApp } from '../helpers/app';
import { type TestMember, createModerator, createTestBoard, logInClient, memberClient, postThread, startBoardApp } from '../factories';

// Duplicates and slow mode (issue 14, "Duplicates and floods"), through HTTP: the same post again
// by one member under the same parent (or on the same board, for a thread) within the window is
// refused, compared after normalizing; a moderator's slow mode lets each member post one
// follow-up per N seconds in the thread.

let app: TestApp;
let board: Board;
let writer: HttpClient;
let member: TestMember;

beforeAll(async () => {
  // The test apps turn the duplicate window off; this file tests it at its default.
  ({ app, board, writer, member } = await startBoardApp({ app: { env: { LIMITS_DUPLICATE_MINUTES: '10' } } }));
});
afterAll(() => app.close());

const reply = (c: HttpClient, parentId: string, title: string, body?: string, query = '') =>
  c.post(`/api/posts/${parentId}/replies${query}`, { title, body });

/** Moves the member's posts back `minutes`, as if that much time had passed since they were written. */
const age = (minutes: number) =>
  sql`update posts set created_at = created_at - make_interval(mins => ${minutes}) where author_id = ${member.id}`.execute(app.db);

/** How many of the member's posts have this title. */
const countTitled = async (title: string) =>
  Number(
    (
      await app.db
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('author_id', '=', member.id)
        .where('title', '=', title)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('duplicates', () => {
  it('refuses the same follow-up twice under the same parent, with a localized 409 in both scripts', async () => {
    const thread = await postThread(writer, board, '頂帖測試');
    expect((await reply(writer, thread.id, '頂')).status).toBe(201);
    const again = await reply(writer, thread.id, '頂');
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'DuplicatePost' });
    expect(again.json.error.localized).toBe('您在 10 分鐘內已在這裡發過相同的跟帖，請勿重複發帖。');
    const hans = await reply(writer, thread.id, '頂', undefined, '?variant=zh-hans');
    expect(hans.status).toBe(409);
    expect(hans.json.error.localized).toBe('您在 10 分钟内已在这里发过相同的跟帖，请勿重复发帖。');
    expect(await countTitled('頂')).toBe(1);
  });

  it('counts posts the same across scripts, width, case, white space and markup', async () => {
    const thread = await postThread(writer, board, '比較測試');
    expect((await reply(writer, thread.id, '頂一下 Gentie', '<p>這個帖子 很好</p>')).status).toBe(201);
    for (const [title, body] of [
      ['顶一下 gentie', '<p>这个帖子 很好</p>'], // simplified, lower case
      ['頂一下　ＧＥＮＴＩＥ', '<p><b>這個帖子</b>\n\n  很好</p>'], // full-width forms and space, markup, runs of space
    ] as const) {
      const res = await reply(writer, thread.id, title, body);
      expect(res.status).toBe(409);
      expect(res.json.error.code).toBe('DuplicatePost');
    }
    // Different text is not a duplicate.
    expect((await reply(writer, thread.id, '頂一下 Gentie', '<p>這個帖子 不好</p>')).status).toBe(201);
  });

  it('lets the same follow-up through in another thread, under another parent, or by another member', async () => {
    const first = await postThread(writer, board, '甲帖');
    const second = await postThread(writer, board, '乙帖');
    expect((await reply(writer, first.id, '頂!')).status).toBe(201);
    expect((await reply(writer, second.id, '頂!')).status).toBe(201);
    const under = (await reply(writer, first.id, '另一層')).json.post;
    expect((await reply(writer, under.id, '頂!')).status).toBe(201);
    const other = app.client();
    await memberClient(app.db, other);
    expect((await reply(other, first.id, '頂!')).status).toBe(201);
  });

  it('refuses the same thread twice on one board, and lets it through on another board', async () => {
    const first = await writer.post(`/api/boards/${board.slug}/threads`, { title: '同一個主題', body: '<p>內容</p>' });
    expect(first.status).toBe(201);
    const again = await writer.post(`/api/boards/${board.slug}/threads?variant=zh-hans`, { title: '同一个主题', body: '内容' });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'DuplicatePost' });
    expect(again.json.error.localized).toBe('您在 10 分钟内已在本版发过相同的主题，请勿重复发帖。');
    const otherBoard = (await createTestBoard(app.db)).slug;
    expect((await writer.post(`/api/boards/${otherBoard}/threads`, { title: '同一個主題', body: '<p>內容</p>' })).status).toBe(201);
  });

  it('lets the same post through again once the window is over', async () => {
    const thread = await postThread(writer, board, '窗口測試');
    expect((await reply(writer, thread.id, '窗口外')).status).toBe(201);
    expect((await reply(writer, thread.id, '窗口外')).status).toBe(409);
    await age(11);
    expect((await reply(writer, thread.id, '窗口外')).status).toBe(201);
  });

  it('lands one of two identical follow-ups sent at the same moment', async () => {
    const thread = await postThread(writer, board, '並發測試');
    for (let round = 0; round < 3; round++) {
      const title = `同時 ${round}`;
      const results = await Promise.all([
        reply(writer, thread.id, title),
        reply(writer, thread.id, title),
        reply(writer, thread.id, title),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await countTitled(title)).toBe(1);
    }
  });

  it('lands one of two identical threads started at the same moment', async () => {
    const start = () => writer.post(`/api/boards/${board.slug}/threads`, { title: '同時開帖', body: '<p>同一段</p>' });
    const results = await Promise.all([start(), start(), start()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await countTitled('同時開帖')).toBe(1);
  });

  it('gives a refused form back with the message and the text typed', async () => {
    const thread = await postThread(writer, board, '表單測試');
    expect((await writer.postForm(`/t/${thread.id}/reply`, { title: '表單頂', body: '打好的字' })).status).toBe(303);
    const refused = await writer.postForm(`/zh-hans/t/${thread.id}/reply`, { title: '表單頂', body: '打好的字' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('您在 10 分钟内已在这里发过相同的跟帖');
    expect(refused.text).toContain('打好的字');
  });
});

describe('slow mode', () => {
  it('is set by the board’s moderators only, shown above the reply form, enforced with Retry-After, and turned off', async () => {
    const thread = await postThread(writer, board, '慢速模式測試');
    const moderator = await createModerator(app.db, board);
    const mod = app.client();
    await logInClient(mod, moderator);

    // A member may not set it; nor may an anonymous reader.
    expect((await writer.post(`/api/threads/${thread.id}/slow-mode`, { seconds: 30 })).status).toBe(403);
    expect((await app.client().post(`/api/threads/${thread.id}/slow-mode`, { seconds: 30 })).status).toBe(401);
    expect((await mod.post(`/api/threads/${thread.id}/slow-mode`, { seconds: -1 })).status).toBe(400);

    const before = (await app.client().get(`/api/threads/${thread.id}/events?since=0`)).json.seq;
    const set = await mod.post(`/api/threads/${thread.id}/slow-mode`, { seconds: 30 });
    expect(set.status).toBe(200);
    expect(set.json.thread).toMatchObject({ id: thread.id, slowModeSeconds: 30 });
    expect(set.json.thread.seq).toBe(before + 1);
    const log = await app.db.selectFrom('moderation_log').selectAll().where('post_id', '=', thread.id).execute();
    expect(log).toEqual([expect.objectContaining({ action: 'slow-mode', actor_id: moderator.id, reason: '30s' })]);

    // Shown above the reply form, in the reader's script.
    expect((await writer.get(`/t/${thread.id}`)).text).toContain('本帖慢速模式：每位會員每 30 秒只能跟帖一次');
    expect((await writer.get(`/zh-hans/t/${thread.id}`)).text).toContain('本帖慢速模式：每位会员每 30 秒只能跟帖一次');
    // The moderator gets the form to change it.
    expect((await mod.get(`/t/${thread.id}`)).text).toContain(`action="/t/${thread.id}/thread/slow-mode"`);
    expect((await writer.get(`/t/${thread.id}`)).text).not.toContain('/thread/slow-mode');

    // One follow-up, then a refusal with Retry-After, in both scripts; the form keeps the text.
    expect((await reply(writer, thread.id, '第一帖')).status).toBe(201);
    const refused = await reply(writer, thread.id, '第二帖');
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('SlowMode');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(25);
    expect(wait).toBeLessThanOrEqual(30);
    expect(refused.json.error.localized).toMatch(/^本帖慢速模式：每位會員每 30 秒只能跟帖一次，請在 \d+ 秒後再試。$/);
    const hans = await reply(writer, thread.id, '第二帖', undefined, '?variant=zh-hans');
    expect(hans.json.error.localized).toMatch(/^本帖慢速模式：每位会员每 30 秒只能跟帖一次，请在 \d+ 秒后再试。$/);
    const form = await writer.postForm(`/t/${thread.id}/reply`, { title: '第二帖', body: '慢慢打的字' });
    expect(form.status).toBe(429);
    expect(form.headers.get('retry-after')).not.toBeNull();
    expect(form.text).toContain('慢慢打的字');
    expect(await countTitled('第二帖')).toBe(0);

    // Another member is not held back by this one; the moderator is exempt.
    const other = app.client();
    await memberClient(app.db, other);
    expect((await reply(other, thread.id, '別人的帖')).status).toBe(201);
    expect((await reply(mod, thread.id, '版主一')).status).toBe(201);
    expect((await reply(mod, thread.id, '版主二')).status).toBe(201);

    // After N seconds (the previous follow-up moved back), the member may post again.
    await age(1);
    expect((await reply(writer, thread.id, '第二帖')).status).toBe(201);

    // Turned off: no notice, no wait.
    expect((await mod.post(`/api/threads/${thread.id}/slow-mode`, { seconds: 0 })).json.thread.slowModeSeconds).toBe(0);
    expect((await writer.get(`/t/${thread.id}`)).text).not.toContain('本帖慢速模式');
    expect((await reply(writer, thread.id, '第三帖')).status).toBe(201);
    expect((await reply(writer, thread.id, '第四帖')).status).toBe(201);
  });

  it('is set from the thread page’s form by a moderator', async () => {
    const thread = await postThread(writer, board, '表單慢速');
    const moderator = await createModerator(app.db, board);
    const mod = app.client();
    await logInClient(mod, moderator);
    const res = await mod.postForm(`/t/${thread.id}/thread/slow-mode`, { seconds: '60' });
    expect(res.status).toBe(303);
    expect((await writer.get(`/t/${thread.id}`)).text).toContain('每位會員每 60 秒只能跟帖一次');
    expect((await writer.postForm(`/t/${thread.id}/thread/slow-mode`, { seconds: '0' })).status).toBe(403);
  });

  it('is set from the thread page in simplified script too, and its notice sits above the reply form', async () => {
    const thread = await postThread(writer, board, '简体慢速');
    const moderator = await createModerator(app.db, board);
    const mod = app.client();
    await logInClient(mod, moderator);
    const own = (await mod.get(`/zh-hans/t/${thread.id}`)).text;
    expect(own).toContain(`action="/zh-hans/t/${thread.id}/thread/slow-mode"`);
    expect(own).toContain('每位会员跟帖间隔（秒，0 为关闭）');
    expect((await mod.postForm(`/zh-hans/t/${thread.id}/thread/slow-mode`, { seconds: '45' })).status).toBe(303);
    const scripts: [string, string][] = [
      ['/zh-hans', '本帖慢速模式：每位会员每 45 秒只能跟帖一次'],
      ['', '本帖慢速模式：每位會員每 45 秒只能跟帖一次'],
    ];
    for (const [prefix, notice] of scripts) {
      const page = (await writer.get(`${prefix}/t/${thread.id}`)).text;
      const at = page.indexOf(notice);
      expect(at).toBeGreaterThan(-1);
      expect(at).toBeLessThan(page.indexOf(`action="${prefix}/t/${thread.id}/reply"`));
    }
  });
});
