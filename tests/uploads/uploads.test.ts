import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { createJobRunner } from '../../server/jobs/jobs.runner';
import { createLogger } from '../../server/log';
import { UPLOADS_CLEANUP_JOB, removeUnusedUploads } from '../../server/uploads/uploads.service';
import { READ_SLICE, postgresUploadStorage } from '../../server/uploads/uploads.storage';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient, postThread } from '../factories';
import { EXIF_MARKER, animatedGif, animatedWebp, fetchImage, heicLike, noisyJpeg, phoneJpeg, png, pngBomb, upload, webp } from './images';

// Uploading images (issue 16) through HTTP: each type, every kind of hostile file, what is stored
// (EXIF and GPS gone, orientation applied, one copy per picture), how images are served, purged
// and blocked by moderators, and the cleanup of images nobody uses.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function memberClient(role: 'member' | 'moderator' | 'admin' = 'member') {
  const member = await createMember(app.db, { role });
  const client = app.client();
  await logInClient(client, member);
  return { member, client };
}

const blobOf = async (hash: string) =>
  (await app.db.selectFrom('upload_blobs').select('data').where('hash', '=', hash).executeTakeFirst())?.data;

describe('POST /api/uploads', () => {
  it('stores a phone photo without its EXIF and GPS, turned as its orientation said, and answers its URLs and size', async () => {
    const { client } = await memberClient();
    const photo = await phoneJpeg(600, 400);
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.includes(EXIF_MARKER)).toBe(true);

    const res = await upload(client, photo, { alt: '外灘 [夜]' });
    expect(res.status).toBe(201);
    const id = res.json.id as string;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(res.json).toMatchObject({
      url: `/uploads/${id}.jpg`,
      thumbnailUrl: `/uploads/${id}.thumb.webp`,
      mime: 'image/jpeg',
      width: 400,
      height: 600,
      animated: false,
    });
    expect(res.json.snippets.markdown).toBe(`[![外灘 \\[夜\\]](/uploads/${id}.thumb.webp)](/uploads/${id}.jpg)`);

    // The stored bytes: no EXIF (so no GPS), no XMP, IPTC or ICC; portrait now, red on top.
    const stored = (await blobOf(id))!;
    expect(res.json.bytes).toBe(stored.length);
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 400, height: 600 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(before.icc).toBeDefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(stored.includes(EXIF_MARKER)).toBe(false);
    const { data } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 400 + x) * 3, (y * 400 + x) * 3 + 3)];
    const [r1, , b1] = pixel(200, 100);
    const [r2, , b2] = pixel(200, 500);
    expect(r1! > 150 && b1! < 80).toBe(true);
    expect(b2! > 150 && r2! < 80).toBe(true);

    // The thumbnail is a WebP of at most 480 on its long side.
    const thumb = await fetchImage(app.baseUrl, `/uploads/${id}.thumb.webp`);
    expect(thumb.status).toBe(200);
    expect(await sharp(thumb.body).metadata()).toMatchObject({ format: 'webp', width: 320, height: 480 });
    expect((await sharp(thumb.body).metadata()).exif).toBeUndefined();
  });

  it('takes PNG, WebP and GIF, keeping GIF and WebP animations animated, whatever the file is called', async () => {
    const { client } = await memberClient();
    const cases = [
      { data: await png(), mime: 'image/png', ext: 'png', pages: 1, name: 'a.jpg' },
      { data: await webp(), mime: 'image/webp', ext: 'webp', pages: 1, name: 'b.png' },
      { data: await animatedGif(), mime: 'image/gif', ext: 'gif', pages: 3, name: 'c.webp' },
      { data: await animatedWebp(), mime: 'image/webp', ext: 'webp', pages: 3, name: 'd.gif' },
    ];
    for (const c of cases) {
      const res = await upload(client, c.data, { name: c.name, type: 'application/octet-stream' });
      expect([c.name, res.status]).toEqual([c.name, 201]);
      expect(res.json).toMatchObject({ mime: c.mime, animated: c.pages > 1, url: `/uploads/${res.json.id}.${c.ext}` });
      const served = await fetchImage(app.baseUrl, res.json.url);
      expect(served.headers.get('content-type')).toBe(c.mime);
      const meta = await sharp(served.body, { animated: true }).metadata();
      expect([c.name, meta.pages ?? 1]).toEqual([c.name, c.pages]);
      if (c.pages > 1) {
        const thumb = await sharp((await fetchImage(app.baseUrl, res.json.thumbnailUrl)).body, { animated: true }).metadata();
        expect(thumb.pages).toBe(c.pages);
      }
    }
  });

  it('refuses, in the reader’s script, a renamed non-image, an HEIC photo, an SVG, a decompression bomb and a truncated file, storing nothing', async () => {
    const { client } = await memberClient();
    const blobs = async () =>
      Number(
        (
          await app.db
            .selectFrom('upload_blobs')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const count = await blobs();
    const photo = await noisyJpeg(800, 600);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    const cases = [
      { what: 'text named .jpg', data: Buffer.from('這不是圖片 '.repeat(100)), status: 415, reason: 'notImage', words: '不是圖片' },
      { what: 'HEIC', data: heicLike(), status: 415, reason: 'heic', words: 'HEIC' },
      { what: 'SVG', data: svg, status: 415, reason: 'type', words: 'SVG' },
      { what: 'bomb', data: pngBomb(), status: 413, reason: 'pixels', words: '像素' },
      { what: 'truncated', data: photo.subarray(0, Math.floor(photo.length * 0.6)), status: 422, reason: 'damaged', words: '不完整' },
    ];
    for (const c of cases) {
      const res = await upload(client, c.data, { headers: { 'accept-language': 'zh-TW' } });
      expect([c.what, res.status, res.json?.error?.code]).toEqual([c.what, c.status, 'ImageRefused']);
      expect([c.what, res.json.error.localized]).toEqual([c.what, expect.stringContaining(c.words)]);
    }
    const simplified = await upload(client, heicLike(), { headers: { 'accept-language': 'zh-CN' } });
    expect(simplified.json.error.localized).toContain('无法读取 HEIC');
    expect(await blobs()).toBe(count);
  });

  it('stores the same picture once, whoever uploads it', async () => {
    const a = await memberClient();
    const b = await memberClient();
    const photo = await noisyJpeg(640, 480);
    const first = await upload(a.client, photo);
    const second = await upload(b.client, photo, { name: 'copy.jpeg' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.json.id).toBe(first.json.id);
    const rows = await app.db.selectFrom('uploads').select(['owner_id', 'thumb_hash']).where('hash', '=', first.json.id).execute();
    expect(rows).toEqual([{ owner_id: a.member.id, thumb_hash: expect.any(String) }]);
    const blobs = await app.db
      .selectFrom('upload_blobs')
      .select('hash')
      .where('hash', 'in', [first.json.id, rows[0]!.thumb_hash])
      .execute();
    expect(blobs).toHaveLength(2);
  });

  it('is for members only, and refuses a body that is not multipart', async () => {
    const anonymous = app.client();
    const res = await upload(anonymous, await png(), { headers: { 'accept-language': 'zh-CN' } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('NotLoggedIn');
    const { client } = await memberClient();
    const json = await client.post('/api/uploads', { file: 'x' });
    expect([json.status, json.json.error.code]).toEqual([415, 'UnsupportedMediaType']);
    const empty = await upload(client, Buffer.alloc(0));
    expect([empty.status, empty.json.error.code]).toEqual([400, 'ValidationFailed']);
    // From another site: refused like every other write.
    const cross = await upload(client, await png(), { headers: { 'sec-fetch-site': 'cross-site' } });
    expect([cross.status, cross.json.error.code]).toEqual([403, 'CrossSiteRequest']);
  });

  it('gives a snippet that shows the thumbnail in a post, linked to the image', async () => {
    const { client } = await memberClient();
    const res = await upload(client, await png(), { alt: '圖 "一"' });
    const board = await createTestBoard(app.db);
    const thread = await postThread(client, board, '有圖', res.json.snippets.html);
    expect(thread.body).toContain(`<img src="/uploads/${res.json.id}.thumb.webp" alt="圖 &quot;一&quot;"`);
    expect(thread.body).toContain(`href="/uploads/${res.json.id}.png"`);
    const page = await app.client().get(`/zh-hans/t/${thread.id}`);
    expect(page.text).toContain(`src="/uploads/${res.json.id}.thumb.webp"`);
    expect(page.text).toContain(`href="/uploads/${res.json.id}.png"`);
  });
});

describe('GET /uploads/<id>', () => {
  it('serves the image with immutable caching, an entity tag, its type, nosniff and a CSP that runs nothing', async () => {
    const { client } = await memberClient();
    const res = await upload(client, await png());
    const got = await fetchImage(app.baseUrl, res.json.url, { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(got.headers.get('etag')).toBe(`"${res.json.id}"`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toMatch(/^default-src 'none';.*sandbox/);
    expect(got.headers.get('vary')).toBeNull();
    expect(got.headers.get('set-cookie')).toBeNull();
    expect(got.body.equals((await blobOf(res.json.id))!)).toBe(true);
    const again = await fetchImage(app.baseUrl, res.json.url, { 'if-none-match': `"${res.json.id}"` });
    expect([again.status, again.body.length]).toEqual([304, 0]);
    // Under a script prefix too (a link in a page with one).
    expect((await fetchImage(app.baseUrl, `/zh-tw${res.json.url}`)).status).toBe(200);
  });

  it('answers 404 in the reader’s script for an unknown id or the wrong extension', async () => {
    const unknown = await app.client().get(`/uploads/${'0'.repeat(64)}.jpg`, { 'accept-language': 'zh-CN' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('找不到这张图片');
    const { client } = await memberClient();
    const res = await upload(client, await png());
    expect((await app.client().get(`/uploads/${res.json.id}.jpg`)).status).toBe(404);
    expect((await app.client().get(`/uploads/${res.json.id}.thumb.png`)).status).toBe(404);
    expect((await app.client().get('/uploads/nothing.png')).status).toBe(404);
    expect((await app.client().get(`/api/uploads/${'1'.repeat(64)}`, { 'accept-language': 'zh-TW' })).json.error.localized).toBe(
      '找不到這張圖片。',
    );
  });
});

describe('moderators', () => {
  it('purge an image (410 everywhere, bytes gone) and block a hash (the same bytes refused), logged; members cannot', async () => {
    const { client } = await memberClient();
    const moderator = await memberClient('moderator');
    const photo = await noisyJpeg(300, 200);
    const res = await upload(client, photo);
    const id = res.json.id as string;

    const refused = await client.post(`/api/uploads/${id}/purge`, { reason: '不要' });
    expect([refused.status, refused.json.error.code]).toEqual([403, 'NotAllowed']);

    const purged = await moderator.client.post(`/api/uploads/${id}/purge`, { reason: '侵權' });
    expect(purged.status).toBe(200);
    expect(purged.json.upload).toEqual({ id, purged: true, blocked: false });
    const gone = await app.client().get(res.json.url, { 'accept-language': 'zh-TW' });
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('已被管理人員刪除');
    expect((await fetchImage(app.baseUrl, res.json.thumbnailUrl)).status).toBe(410);
    expect(await blobOf(id)).toBeUndefined();

    // Purged without a block: the same bytes may come back.
    expect((await upload(client, photo)).status).toBe(201);
    expect((await fetchImage(app.baseUrl, res.json.url)).status).toBe(200);

    const admin = await memberClient('admin');
    const blocked = await admin.client.post(`/api/uploads/${id}/block`, { reason: '違規圖片' });
    expect(blocked.json.upload).toEqual({ id, purged: true, blocked: true });
    expect((await fetchImage(app.baseUrl, res.json.url)).status).toBe(410);
    const again = await upload(client, photo, { headers: { 'accept-language': 'zh-CN' } });
    expect([again.status, again.json.error.code]).toEqual([422, 'ImageRefused']);
    expect(again.json.error.localized).toContain('禁止上传');

    const log = await app.db
      .selectFrom('moderation_log')
      .select(['action', 'reason', 'actor_role', 'board_id'])
      .where('reason', 'like', `${id}%`)
      .orderBy('id')
      .execute();
    expect(log).toEqual([
      { action: 'image-purge', reason: `${id}: 侵權`, actor_role: 'moderator', board_id: null },
      { action: 'image-block', reason: `${id}: 違規圖片`, actor_role: 'admin', board_id: null },
    ]);
  });

  it('have a page of the newest images with purge and block buttons that work without JavaScript', async () => {
    const { client } = await memberClient();
    const res = await upload(client, await webp(100, 80));
    const moderator = await memberClient('moderator');
    expect((await client.get('/moderation/images')).status).toBe(403);
    const page = await moderator.client.get('/zh-hans/moderation/images');
    expect(page.status).toBe(200);
    expect(page.text).toContain('图片管理');
    expect(page.text).toContain(`data-upload="${res.json.id}"`);
    const done = await moderator.client.postForm('/zh-hans/moderation/images', {
      id: `http://example.org${res.json.url}`,
      reason: '廣告',
      action: 'purge',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/zh-hans/moderation/images');
    expect((await fetchImage(app.baseUrl, res.json.url)).status).toBe(410);
  });
});

describe('the upload page', () => {
  it('takes a file without JavaScript and answers with the snippets to paste; a refusal comes back on the form', async () => {
    const { client } = await memberClient();
    const form = await client.get('/zh-hant/upload');
    expect(form.status).toBe(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    const res = await upload(client, await png(), { path: '/zh-hant/upload', alt: '截圖' });
    expect(res.status).toBe(200);
    const id = /data-upload="([0-9a-f]{64})"/.exec(res.text)?.[1];
    expect(id).toBeDefined();
    expect(res.text).toContain(`[![截圖](/uploads/${id}.thumb.webp)](/uploads/${id}.png)`);
    const bad = await upload(client, Buffer.from('not an image'), { path: '/zh-hant/upload' });
    expect(bad.status).toBe(415);
    expect(bad.text).toContain('data-code="ImageRefused"');
    expect(bad.text).toContain('enctype="multipart/form-data"');
    expect((await app.client().get('/upload')).status).toBe(401);
  });
});

describe('the uploads:cleanup job', () => {
  it('deletes images no post or message has shown for the period, and keeps the ones in use', async () => {
    const { client } = await memberClient();
    const used = await upload(client, await png(50, 50));
    const inMessage = await upload(client, await png(60, 50));
    const unused = await upload(client, await png(70, 50));
    const fresh = await upload(client, await png(80, 50));
    const board = await createTestBoard(app.db);
    await postThread(client, board, '用到', used.json.snippets.html);
    const other = await createMember(app.db);
    const sent = await client.post('/api/messages', { to: other.name, title: '圖', body: inMessage.json.snippets.html, format: 'html' });
    expect(sent.status).toBe(201);
    const old = new Date(Date.now() - 8 * 86400_000);
    await app.db
      .updateTable('uploads')
      .set({ used_at: old })
      .where('hash', 'in', [used.json.id, inMessage.json.id, unused.json.id])
      .execute();
    const thumbOfUnused = (
      await app.db.selectFrom('uploads').select('thumb_hash').where('hash', '=', unused.json.id).executeTakeFirstOrThrow()
    ).thumb_hash;

    const runner = createJobRunner(app.db, createLogger('silent'), { firstAttemptMs: 1 });
    const storage = postgresUploadStorage(app.db);
    runner.every(UPLOADS_CLEANUP_JOB, 3_600_000, (signal) => removeUnusedUploads({ db: app.db, storage }, 7, signal));
    try {
      for (let i = 0; i < 100; i++) {
        const job = await app.db.selectFrom('jobs').select('last_finished_at').where('name', '=', UPLOADS_CLEANUP_JOB).executeTakeFirst();
        if (job?.last_finished_at) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await runner.close();
    }
    const left = await app.db
      .selectFrom('uploads')
      .select(['hash', 'used_at'])
      .where('hash', 'in', [used.json.id, inMessage.json.id, unused.json.id, fresh.json.id])
      .execute();
    expect(left.map((r) => r.hash).sort()).toEqual([used.json.id, inMessage.json.id, fresh.json.id].sort());
    // Found in use: looked at again a whole period later.
    for (const r of left) expect(r.used_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await blobOf(unused.json.id)).toBeUndefined();
    expect(await blobOf(thumbOfUnused)).toBeUndefined();
    expect((await fetchImage(app.baseUrl, unused.json.url)).status).toBe(404);
    expect((await fetchImage(app.baseUrl, used.json.url)).status).toBe(200);
  });
});

// Blobs are read from PostgreSQL in slices (uploads.storage.ts READ_SLICE): whatever the size, the
// bytes come back whole and identical, and an image served over HTTP is its stored bytes.
describe('the PostgreSQL upload storage', () => {
  it('gives back the same bytes at every size around its slices', async () => {
    const storage = postgresUploadStorage(app.db);
    const sizes = [1, READ_SLICE - 1, READ_SLICE, READ_SLICE + 1, 3 * READ_SLICE, 1_370_000];
    for (const [i, size] of sizes.entries()) {
      const data = randomBytes(size);
      const hash = `${String(i).padStart(2, '0')}${'ab'.repeat(31)}`;
      await storage.put(hash, data);
      const back = await storage.get(hash);
      expect([size, back?.length, back?.equals(data)]).toEqual([size, size, true]);
      await storage.delete(hash);
      expect(await storage.get(hash)).toBeUndefined();
    }
  });

  it('keeps blobs out of line and uncompressed (STORAGE EXTERNAL: images are compressed already)', async () => {
    const { rows } = await sql<{ storage: string }>`
      select attstorage as storage from pg_attribute where attrelid = 'upload_blobs'::regclass and attname = 'data'`.execute(app.db);
    expect(rows).toEqual([{ storage: 'e' }]);
  });

  it('serves an image of many slices as its stored bytes, with its entity tag and a 304', async () => {
    const { client } = await memberClient();
    const res = await upload(client, await noisyJpeg(1600, 1200));
    expect(res.status).toBe(201);
    const stored = (await blobOf(res.json.id))!;
    expect(stored.length).toBeGreaterThan(3 * READ_SLICE);
    const got = await fetchImage(app.baseUrl, res.json.url);
    expect([got.status, got.headers.get('content-length'), got.headers.get('etag')]).toEqual([
      200,
      String(stored.length),
      `"${res.json.id}"`,
    ]);
    expect(got.body.equals(stored)).toBe(true);
    const again = await fetchImage(app.baseUrl, res.json.url, { 'if-none-match': `"${res.json.id}"` });
    expect([again.status, again.body.length]).toEqual([304, 0]);
  });
});
