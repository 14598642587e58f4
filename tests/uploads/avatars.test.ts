import sharp from 'sharp';
import { removeUnusedUploads } from '../../server/uploads/uploads.service';
import { postgresUploadStorage } from '../../server/uploads/uploads.storage';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';
import { fetchImage, noisyJpeg, phoneJpeg, png, upload } from './images';

// Avatars (issue 16) through HTTP: uploaded from the API and from the plain settings form, cropped
// square (checked in the stored bytes), every size made and served, the default drawn from the
// name, shown on the member page and on a thread's root post only, replaced and removed, and kept
// by the cleanup job while they are someone's avatar. Each avatar is a noisy picture of its own:
// two plain ones would crop to the same square, and so to the same stored avatar.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function memberClient(name?: string) {
  const member = await createMember(app.db, name ? { name } : {});
  const client = app.client();
  await logInClient(client, member);
  return { member, client };
}

const blobOf = async (hash: string) =>
  (await app.db.selectFrom('upload_blobs').select('data').where('hash', '=', hash).executeTakeFirst())?.data;

const sizeBlobsOf = (hash: string) =>
  app.db.selectFrom('upload_sizes').select(['size', 'blob_hash']).where('hash', '=', hash).orderBy('size').execute();

const avatarOf = async (memberId: string) =>
  (await app.db.selectFrom('users').select('avatar_hash').where('id', '=', memberId).executeTakeFirstOrThrow()).avatar_hash;

const avatarPath = (name: string, size: number) => `/avatars/${encodeURIComponent(name)}/${size}`;

describe('POST /api/me/avatar', () => {
  it('crops a portrait phone photo square, stores every size, and serves each with long-lived caching', async () => {
    const { member, client } = await memberClient();
    // 600×400 stored sideways (EXIF orientation 6): shown 400×600.
    const res = await upload(client, await phoneJpeg(600, 400), { path: '/api/me/avatar' });
    expect(res.status).toBe(201);
    const id = res.json.avatar.id as string;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(res.json.avatar.urls).toEqual({
      256: `/uploads/${id}.webp`,
      128: `/uploads/${id}.128.webp`,
      64: `/uploads/${id}.64.webp`,
      32: `/uploads/${id}.32.webp`,
    });
    expect(await avatarOf(member.id)).toBe(id);

    // The stored bytes are squares: the upload itself 256, its smaller sizes each their own blob.
    const largest = await sharp(await blobOf(id)).metadata();
    expect(largest).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(largest.exif).toBeUndefined();
    const sizes = await sizeBlobsOf(id);
    expect(sizes.map((s) => s.size)).toEqual([32, 64, 128]);
    for (const s of sizes) {
      const meta = await sharp(await blobOf(s.blob_hash)).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: s.size, height: s.size });
    }

    for (const size of [256, 128, 64, 32] as const) {
      const served = await fetchImage(app.baseUrl, res.json.avatar.urls[size]);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('cache-control')).toContain('immutable');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await sharp(served.body).metadata()).toMatchObject({ width: size, height: size });
    }
    // A size an avatar has not, or an ordinary image's sizes that were never made: 404.
    expect((await fetchImage(app.baseUrl, `/uploads/${id}.48.webp`)).status).toBe(404);
    const ordinary = await upload(client, await png(90, 60));
    expect((await fetchImage(app.baseUrl, `/uploads/${ordinary.json.id}.64.webp`)).status).toBe(404);
  });

  it('serves the avatar under the member name, answering 304 to a copy that is still current', async () => {
    const { member, client } = await memberClient();
    const res = await upload(client, await noisyJpeg(300, 120), { path: '/api/me/avatar' });
    expect(res.status).toBe(201);
    const [s64] = (await sizeBlobsOf(res.json.avatar.id)).filter((s) => s.size === 64);

    const byName = await fetchImage(app.baseUrl, avatarPath(member.name, 64));
    expect(byName.status).toBe(200);
    expect(byName.headers.get('content-type')).toBe('image/webp');
    expect(byName.body.equals((await blobOf(s64!.blob_hash))!)).toBe(true);
    expect(byName.headers.get('cache-control')).toMatch(/max-age=600/);
    const etag = byName.headers.get('etag')!;
    const again = await fetchImage(app.baseUrl, avatarPath(member.name, 64), { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await fetchImage(app.baseUrl, avatarPath(member.name, 50))).status).toBe(404);
  });

  it('refuses a file that is not an image, and asks for a login', async () => {
    const { member, client } = await memberClient();
    const refused = await upload(client, Buffer.from('not a picture at all'), { path: '/api/me/avatar', name: 'me.jpg' });
    expect(refused.status).toBe(415);
    expect(refused.json.error.code).toBe('ImageRefused');
    expect(await avatarOf(member.id)).toBeNull();
    const anonymous = await upload(app.client(), await png(), { path: '/api/me/avatar' });
    expect(anonymous.status).toBe(401);
  });
});

describe('the default avatar', () => {
  it('is an SVG of the name first character on a colour of the name, the same every time', async () => {
    const { member } = await memberClient('山行者');
    const a = await fetchImage(app.baseUrl, avatarPath(member.name, 64));
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(a.headers.get('content-security-policy')).toContain("default-src 'none'");
    const svg = a.body.toString();
    expect(svg).toContain('>山</text>');
    expect(svg).toMatch(/fill="hsl\(\d+, 45%, 42%\)"/);
    expect(svg).not.toMatch(/<script|href=/i);
    const b = await fetchImage(app.baseUrl, avatarPath(member.name, 64));
    expect(b.body.equals(a.body)).toBe(true);

    const latin = await fetchImage(app.baseUrl, avatarPath('zoe_<b>', 32));
    expect(latin.body.toString()).toContain('>Z</text>');
    const other = (await fetchImage(app.baseUrl, avatarPath('另一位', 64))).body.toString();
    expect(other.match(/hsl\([^)]*\)/)![0]).not.toBe(svg.match(/hsl\([^)]*\)/)![0]);
  });
});

describe('where avatars show', () => {
  it('on the member page, and small on the root post of a thread, never on follow-up lines', async () => {
    const { member, client } = await memberClient();
    const { member: replier, client: replierClient } = await memberClient();
    const board = await createTestBoard(app.db);
    const root = await postThread(client, board, '有頭像的主題', '內容');
    await postReply(replierClient, root.id, '跟帖一');

    const home = await app.client().get(`/u/${encodeURIComponent(member.name)}`);
    expect(home.status).toBe(200);
    expect(home.text).toContain(`src="${avatarPath(member.name, 128)}"`);

    const page = await app.client().get(`/t/${root.id}`);
    expect(page.status).toBe(200);
    const avatars = page.text.match(/<img class="avatar[^>]*>/g) ?? [];
    expect(avatars).toHaveLength(1);
    expect(avatars[0]).toContain(`src="${avatarPath(member.name, 32)}"`);
    expect(avatars[0]).toContain(`srcset="${avatarPath(member.name, 64)} 2x"`);
    expect(page.text).not.toContain(avatarPath(replier.name, 32));

    // The follow-up's own page is not a root: no avatar there either.
    const reply = await app
      .client()
      .get(`/t/${(await app.db.selectFrom('posts').select('id').where('parent_id', '=', root.id).executeTakeFirstOrThrow()).id}`);
    expect(reply.text).not.toMatch(/<img class="avatar/);
  });
});

describe('replacing and removing an avatar', () => {
  it('works from the settings form without JavaScript', async () => {
    const { member, client } = await memberClient();
    const settings = await client.get('/settings');
    expect(settings.text).toContain('href="/settings/avatar"');
    const page = await client.get('/settings/avatar');
    expect(page.status).toBe(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).not.toContain('/settings/avatar/remove');

    const sent = await upload(client, await noisyJpeg(200, 100), { path: '/settings/avatar' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/settings/avatar');
    const first = (await avatarOf(member.id))!;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const shown = await client.get('/settings/avatar');
    expect(shown.text).toContain(`src="/uploads/${first}.128.webp"`);
    expect(shown.text).toContain('/settings/avatar/remove');

    // Replaced: the new picture is the avatar, under the name too.
    expect((await upload(client, await noisyJpeg(100, 220), { path: '/settings/avatar' })).status).toBe(303);
    const second = (await avatarOf(member.id))!;
    expect(second).not.toBe(first);
    const [s32] = (await sizeBlobsOf(second)).filter((s) => s.size === 32);
    expect((await fetchImage(app.baseUrl, avatarPath(member.name, 32))).body.equals((await blobOf(s32!.blob_hash))!)).toBe(true);

    // A refused file shows the page again with the refusal, in the reader's script.
    const refused = await upload(client, Buffer.from('GIF89a but not really'), { path: '/settings/avatar' });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('content-type')).toMatch(/html/);
    expect(await avatarOf(member.id)).toBe(second);

    const removed = await client.postForm('/settings/avatar/remove', {});
    expect(removed.status).toBe(303);
    expect(await avatarOf(member.id)).toBeNull();
    expect((await fetchImage(app.baseUrl, avatarPath(member.name, 32))).headers.get('content-type')).toMatch(/svg/);
  });

  it('DELETE /api/me/avatar shows the default again; a deleted account and a purged avatar show the default', async () => {
    const { member, client } = await memberClient();
    expect((await upload(client, await noisyJpeg(64, 64), { path: '/api/me/avatar' })).status).toBe(201);
    expect((await client.get('/api/me/avatar')).json.avatar.id).toBe(await avatarOf(member.id));
    const removed = await client.request('DELETE', '/api/me/avatar');
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ avatar: null });
    expect((await client.get('/api/me/avatar')).json.avatar).toBeNull();

    // Purged by a moderator: the name shows the default, not a broken image.
    const res = await upload(client, await noisyJpeg(70, 64), { path: '/api/me/avatar' });
    const { client: moderator } = await (async () => {
      const m = await createMember(app.db, { role: 'moderator' });
      const c = app.client();
      await logInClient(c, m);
      return { client: c };
    })();
    expect((await moderator.post(`/api/uploads/${res.json.avatar.id}/purge`, { reason: '不雅' })).status).toBe(200);
    expect((await fetchImage(app.baseUrl, avatarPath(member.name, 64))).headers.get('content-type')).toMatch(/svg/);
    expect((await fetchImage(app.baseUrl, res.json.avatar.urls[64])).status).toBe(410);
    expect((await client.get('/api/me/avatar')).json.avatar).toBeNull();

    // A deleted account: its avatar is cleared.
    const { member: leaving, client: leavingClient } = await memberClient();
    expect((await upload(leavingClient, await noisyJpeg(80, 64), { path: '/api/me/avatar' })).status).toBe(201);
    expect((await leavingClient.postForm('/settings/delete', { password: leaving.password, confirm: 'yes' })).status).toBeLessThan(400);
    expect(await avatarOf(leaving.id)).toBeNull();
    expect((await fetchImage(app.baseUrl, avatarPath(leaving.name, 64))).headers.get('content-type')).toMatch(/svg/);
  });
});

describe('the uploads:cleanup job and avatars', () => {
  it('keeps an avatar in use however old, and removes a replaced one with every size', async () => {
    const { member, client } = await memberClient();
    const old = await upload(client, await noisyJpeg(120, 90), { path: '/api/me/avatar' });
    const current = await upload(client, await noisyJpeg(90, 120), { path: '/api/me/avatar' });
    const oldId = old.json.avatar.id as string;
    const currentId = current.json.avatar.id as string;
    expect(await avatarOf(member.id)).toBe(currentId);
    const oldBlobs = [oldId, ...(await sizeBlobsOf(oldId)).map((s) => s.blob_hash)];
    const currentBlobs = [currentId, ...(await sizeBlobsOf(currentId)).map((s) => s.blob_hash)];
    await app.db
      .updateTable('uploads')
      .set({ used_at: new Date(Date.now() - 30 * 86400_000) })
      .where('hash', 'in', [oldId, currentId])
      .execute();

    await removeUnusedUploads({ db: app.db, storage: postgresUploadStorage(app.db) }, 7);

    expect(await app.db.selectFrom('uploads').select('hash').where('hash', '=', oldId).executeTakeFirst()).toBeUndefined();
    expect(await sizeBlobsOf(oldId)).toHaveLength(0);
    for (const blob of oldBlobs) expect(await blobOf(blob)).toBeUndefined();
    expect(await app.db.selectFrom('uploads').select('hash').where('hash', '=', currentId).executeTakeFirst()).toBeDefined();
    for (const blob of currentBlobs) expect(await blobOf(blob)).toBeDefined();
    expect((await fetchImage(app.baseUrl, current.json.avatar.urls[32])).status).toBe(200);
  });
});
