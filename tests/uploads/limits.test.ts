import http from 'node:http';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, logInClient } from '../factories';
import { noisyJpeg, png, upload } from './images';

// The limits on uploads, at their real values (RATE_LIMIT_MULTIPLIER=1): the quota of uploads on
// the shared limiter (a new member's smaller), and the largest file (a new member's smaller),
// refused while the file streams in. Refusals in the reader's script, on the API and the form.

let app: TestApp;
const MAX = 300_000;
const NEW_MAX = 100_000;
beforeAll(async () => {
  app = await startTestApp({
    env: {
      RATE_LIMIT_MULTIPLIER: '1',
      LIMITS_UPLOAD_NEW_MEMBER_BURST: '2/10m',
      UPLOADS_MAX_BYTES: String(MAX),
      UPLOADS_NEW_MEMBER_MAX_BYTES: String(NEW_MAX),
    },
  });
});
afterAll(() => app.close());

async function client(trusted = false) {
  const member = await createMember(app.db);
  if (trusted) await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', member.id).execute();
  const c = app.client();
  await logInClient(c, member);
  return c;
}

const storedCount = async () =>
  Number(
    (
      await app.db
        .selectFrom('uploads')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('upload limits', () => {
  it('refuse a new member past their quota with 429, in both scripts, on the API and the form', async () => {
    const c = await client();
    expect((await upload(c, await png(10, 10))).status).toBe(201);
    expect((await upload(c, await png(11, 10))).status).toBe(201);
    const hans = await upload(c, await png(12, 10), { headers: { 'accept-language': 'zh-CN' } });
    expect([hans.status, hans.json.error.code]).toEqual([429, 'RateLimited']);
    expect(Number(hans.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(hans.json.error.localized).toMatch(/^上传图片太快了，请在 .+后再试。$/);
    const hant = await upload(c, await png(12, 10), { path: '/zh-tw/upload' });
    expect(hant.status).toBe(429);
    expect(hant.text).toContain('上傳圖片太快了');
    expect(hant.text).toContain('enctype="multipart/form-data"');
    // A trusted member counts in the wider windows.
    const trusted = await client(true);
    for (let i = 0; i < 3; i++) expect((await upload(trusted, await png(20 + i, 10))).status).toBe(201);
  });

  it('refuse a file over the limit while it streams in, a new member’s limit smaller, storing nothing', async () => {
    const big = await noisyJpeg(500, 400, 95);
    expect(big.length).toBeGreaterThan(NEW_MAX);
    expect(big.length).toBeLessThan(MAX);
    const before = await storedCount();
    const newcomer = await client();
    const refused = await upload(newcomer, big, { headers: { 'accept-language': 'zh-TW' } });
    expect([refused.status, refused.json.error.code]).toEqual([413, 'ImageTooLarge']);
    expect(refused.json.error.localized).toBe('圖片太大：新用戶每張最多 98 KB。');
    const trusted = await client(true);
    expect((await upload(trusted, big)).status).toBe(201);
    const huge = await noisyJpeg(900, 700, 98);
    expect(huge.length).toBeGreaterThan(MAX);
    const tooBig = await upload(trusted, huge, { headers: { 'accept-language': 'zh-CN' } });
    expect([tooBig.status, tooBig.json.error.localized]).toEqual([413, '图片太大：每张最多 293 KB。']);
    expect(await storedCount()).toBe(before + 1);
  });

  it('answer a body that announces far more than the limit at once, without reading it', async () => {
    const trusted = await client(true);
    const cookie = [...trusted.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    // Announces 50 MB and sends a few bytes: the refusal cannot have waited for the rest.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${app.baseUrl}/api/uploads`);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { cookie, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(50 * 1024 * 1024) },
        },
        (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => {
            resolve({ status: r.statusCode ?? 0, body });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write('--x\r\n');
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('ImageTooLarge');
  });
});
