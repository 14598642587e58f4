import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { PASSWORD, createMember, createTestBoard, logInClient, memberClient, postThread } from '../factories';
import { countRows } from '../helpers/rows';

// Every form that is refused comes back as its page (server/http/forms.ts: refusedForm), with the
// member's input and the refusal in the script of the page, and the refusal's status.

let app: TestApp;
let board: { slug: string };
let author: HttpClient;
let reader: HttpClient;
let authorName: string;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  author = app.client();
  reader = app.client();
  authorName = (await memberClient(app.db, author)).name;
  await memberClient(app.db, reader);
});
afterAll(() => app.close());

const newThread = () => postThread(author, board, '週末去爬山', '天氣很好');

/** The refusal as a page shows it, with its code. */
const refusal = (code: string, text: string) => `<p class="error-message" role="alert" data-code="${code}">${text}</p>`;

const TOO_LONG = `長${'題'.repeat(100)}`;

const scripts = [
  {
    prefix: '/zh-hans',
    lang: 'zh-Hans',
    titleTooLong: '标题：最多 100 个字符。',
    titleRequired: '标题：必须填写。',
    alreadyReported: '您已经举报过这个帖子，版主会处理。',
    wrongLogin: '用户名或密码错误。',
    nameTaken: (name: string) => `用户名 ${name} 已被使用，请换一个。`,
    wrongCurrent: '当前密码错误。',
  },
  {
    prefix: '/zh-hant',
    lang: 'zh-Hant',
    titleTooLong: '標題：最多 100 個字符。',
    titleRequired: '標題：必須填寫。',
    alreadyReported: '您已經舉報過這個帖子，版主會處理。',
    wrongLogin: '用戶名或密碼錯誤。',
    nameTaken: (name: string) => `用戶名 ${name} 已被使用，請換一個。`,
    wrongCurrent: '當前密碼錯誤。',
  },
];

describe.each(scripts)('a refused form on a $prefix page', (s) => {
  it('shows a refused reply with the message in the page’s script and the text kept, and stores nothing', async () => {
    const root = await newThread();
    const before = await countRows(app.db, 'posts');
    const res = await reader.postForm(`${s.prefix}/t/${root.id}/reply`, { title: TOO_LONG, body: '我寫的這一段<不能丟>' });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<html lang="${s.lang}">`);
    expect(res.text).toContain(refusal('ValidationFailed', s.titleTooLong));
    expect(res.text).toContain(`value="${TOO_LONG}"`);
    expect(res.text).toContain('<textarea name="body" rows="8">我寫的這一段&lt;不能丟&gt;</textarea>');
    expect(res.text).toContain(`action="${s.prefix}/t/${root.id}/reply"`);
    expect(await countRows(app.db, 'posts')).toBe(before);
  });

  it('shows a refused edit with the message and what was typed', async () => {
    const root = await newThread();
    const before = await countRows(app.db, 'post_revisions');
    const res = await author.postForm(`${s.prefix}/t/${root.id}/edit`, { title: ' ', body: '改過的內容', reason: '補充' });
    expect(res.status).toBe(400);
    expect(res.text).toContain(refusal('ValidationFailed', s.titleRequired));
    expect(res.text).toContain('<textarea name="body" rows="12">改過的內容</textarea>');
    expect(res.text).toContain('<input name="reason" maxlength="500" value="補充">');
    expect(await countRows(app.db, 'post_revisions')).toBe(before);
  });

  it('shows a refused report with the message and the reason kept', async () => {
    const root = await newThread();
    expect((await reader.postForm(`${s.prefix}/t/${root.id}/report`, { reason: '廣告' })).status).toBe(303);
    const before = await countRows(app.db, 'reports');
    const res = await reader.postForm(`${s.prefix}/t/${root.id}/report`, { reason: '又是廣告' });
    expect(res.status).toBe(409);
    expect(res.text).toContain(refusal('AlreadyReported', s.alreadyReported));
    expect(res.text).toContain('value="又是廣告"');
    expect(res.text).toContain(`action="${s.prefix}/t/${root.id}/report"`);
    expect(await countRows(app.db, 'reports')).toBe(before);
  });

  it('shows a refused login with the message and the name kept (never the password)', async () => {
    const res = await app.client().postForm(`${s.prefix}/login`, { username: authorName, password: 'not the password', next: '/' });
    expect(res.status).toBe(401);
    expect(res.text).toContain(refusal('InvalidCredentials', s.wrongLogin));
    expect(res.text).toContain(`value="${authorName}"`);
    expect(res.text).not.toContain('not the password');
  });

  it('shows a refused registration, new thread and password change the same way', async () => {
    const taken = await app.client().postForm(`${s.prefix}/register`, { username: authorName, password: PASSWORD });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain(refusal('NameTaken', s.nameTaken(authorName)));
    expect(taken.text).toContain(`value="${authorName}"`);

    const thread = await author.postForm(`${s.prefix}/b/${board.slug}/threads`, { title: '', body: '先寫了內容' });
    expect(thread.status).toBe(400);
    expect(thread.text).toContain(refusal('ValidationFailed', s.titleRequired));
    expect(thread.text).toContain('>先寫了內容</textarea>');

    const member = await createMember(app.db);
    const client = app.client();
    await logInClient(client, member);
    const password = await client.postForm(`${s.prefix}/account/password`, {
      currentPassword: 'wrong one',
      newPassword: 'a new passphrase',
    });
    expect(password.status).toBe(403);
    expect(password.text).toContain(refusal('InvalidCredentials', s.wrongCurrent));
  });
});

describe('refused forms', () => {
  it('show the edit form only to whom GET would show it: others get the error page', async () => {
    const root = await newThread();
    const res = await reader.postForm(`/zh-hans/t/${root.id}/edit`, { title: '改掉別人的帖子', body: '' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<p class="error-message" data-code="NotAllowed">只有作者或本版版主可以编辑这个帖子。</p>');
    expect(res.text).not.toContain('改掉別人的帖子');
    expect(res.text).not.toContain(`action="/zh-hans/t/${root.id}/edit"`);
  });

  it('give a reply refused because the thread was locked its form back, with the text', async () => {
    const root = await newThread();
    await app.db.updateTable('threads').set({ locked: true }).where('thread_id', '=', root.id).execute();
    const res = await reader.postForm(`/zh-hans/t/${root.id}/reply`, { title: '晚了一步', body: '寫了很久的內容' });
    expect(res.status).toBe(409);
    expect(res.text).toContain(refusal('ThreadLocked', '本帖已锁定，不能再跟帖。'));
    expect(res.text).toContain('寫了很久的內容');
  });

  it('keep the Retry-After of a rate limit', async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1' } });
    try {
      const member = await createMember(limited.db);
      for (let i = 0; i < 5; i++) await limited.client().post('/api/login', { username: member.name, password: `wrong ${i}` });
      const res = await limited.client().postForm('/zh-hans/login', { username: member.name, password: member.password });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.text).toContain(refusal('TooManyAttempts', '这个用户名从您的地址登录失败的次数太多，请稍后再试。'));
    } finally {
      await limited.close();
    }
  });

  it('escape what members typed, in the refusal as in the form', async () => {
    const ghost = await app.client().postForm('/zh-hans/login', { username: '"><script>x</script>', password: 'whatever 123' });
    expect(ghost.text).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(ghost.text).not.toContain('<script>x');
    const admin = app.client();
    await logInClient(admin, await createMember(app.db, { role: 'admin' }));
    const missing = await admin.postForm(`/zh-hans/b/${board.slug}/bans`, { username: '<img src=x>', days: '1', reason: '灌水' });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('没有“&lt;img src=x&gt;”这个用户。');
    expect(missing.text).not.toContain('<img src=x>');
  });
});
