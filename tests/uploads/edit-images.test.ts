import { removeUnusedUploads } from '../../server/uploads/uploads.service';
import { postgresUploadStorage } from '../../server/uploads/uploads.storage';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient } from '../factories';
import { fetchImage, noisyJpeg, upload } from './images';

// An author removes an uploaded image while editing (issue 16): the edit form lists the post's
// images, each with a checkbox (no JavaScript needed), and the API takes `removeImages`; the
// reference goes from the source, the rest stays as written. Earlier revisions do not keep an
// image: once no current post, held post, 悄悄話 or avatar shows it, the cleanup job deletes it.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function author() {
  const member = await createMember(app.db);
  const client = app.client();
  await logInClient(client, member);
  return { member, client };
}

const postRow = (id: string) =>
  app.db.selectFrom('posts').select(['body', 'source', 'format']).where('id', '=', id).executeTakeFirstOrThrow();

describe('removing an image while editing', () => {
  it('lists the post images on the edit form and takes a ticked one out of the source', async () => {
    const { client } = await author();
    const board = await createTestBoard(app.db);
    const first = await upload(client, await noisyJpeg(120, 90));
    const second = await upload(client, await noisyJpeg(100, 80));
    const [a, b] = [first.json.id as string, second.json.id as string];
    const source = `第一張：\n\n${first.json.snippets.markdown}\n\n第二張：\n\n${second.json.snippets.markdown}`;
    const created = await client.post(`/api/boards/${board.slug}/threads`, { title: '兩張圖', body: source, format: 'markdown' });
    expect(created.status).toBe(201);
    const id = created.json.post.id as string;
    expect((await postRow(id)).body).toContain(`/uploads/${a}.thumb.webp`);

    const form = await client.get(`/t/${id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`<input type="checkbox" name="removeImage" value="${a}">`);
    expect(form.text).toContain(`<input type="checkbox" name="removeImage" value="${b}">`);
    expect(form.text).toContain(`src="/uploads/${a}.thumb.webp"`);

    const sent = await client.postForm(`/t/${id}/edit`, { title: '兩張圖', body: source, format: 'markdown', removeImage: a });
    expect(sent.status).toBe(303);
    const after = await postRow(id);
    expect(after.format).toBe('markdown');
    expect(after.source).toBe(`第一張：\n\n\n\n第二張：\n\n${second.json.snippets.markdown}`);
    expect(after.body).not.toContain(a);
    expect(after.body).toContain(`/uploads/${b}.thumb.webp`);
    // The earlier version is a revision, as any edit's.
    const revision = await app.db.selectFrom('post_revisions').select('body').where('post_id', '=', id).executeTakeFirstOrThrow();
    expect(revision.body).toContain(a);
    // The edit form no longer offers it.
    expect((await client.get(`/t/${id}/edit`)).text).not.toContain(`value="${a}"`);
  });

  it('takes removeImages through the API, from what was written when no body is sent', async () => {
    const { client } = await author();
    const { client: stranger } = await author();
    const board = await createTestBoard(app.db);
    const img = await upload(client, await noisyJpeg(90, 90));
    const h = img.json.id as string;
    const created = await client.post(`/api/boards/${board.slug}/threads`, {
      title: 'html 圖',
      body: `<p>看${img.json.snippets.html}這裡</p>`,
      format: 'html',
    });
    const id = created.json.post.id as string;

    // Only whom may edit the post: another member is refused, and nothing changes.
    const refused = await stranger.request('PATCH', `/api/posts/${id}`, { json: { removeImages: [h] } });
    expect(refused.status).toBe(403);
    expect((await postRow(id)).body).toContain(h);
    const bad = await client.request('PATCH', `/api/posts/${id}`, { json: { removeImages: ['x'] } });
    expect(bad.status).toBe(400);

    const res = await client.request('PATCH', `/api/posts/${id}`, { json: { removeImages: [h] } });
    expect(res.status).toBe(200);
    expect((await postRow(id)).body).toBe('<p>看這裡</p>');
  });

  it('leaves an image that only a revision shows to the cleanup job, and keeps the ones still shown', async () => {
    const { client } = await author();
    const board = await createTestBoard(app.db);
    const gone = await upload(client, await noisyJpeg(70, 60));
    const kept = await upload(client, await noisyJpeg(60, 70));
    const body = `${gone.json.snippets.markdown}\n\n${kept.json.snippets.markdown}`;
    const created = await client.post(`/api/boards/${board.slug}/threads`, { title: '清理', body, format: 'markdown' });
    const id = created.json.post.id as string;
    expect((await client.request('PATCH', `/api/posts/${id}`, { json: { removeImages: [gone.json.id] } })).status).toBe(200);
    await app.db
      .updateTable('uploads')
      .set({ used_at: new Date(Date.now() - 8 * 86400_000) })
      .where('hash', 'in', [gone.json.id, kept.json.id])
      .execute();

    await removeUnusedUploads({ db: app.db, storage: postgresUploadStorage(app.db) }, 7);

    expect((await fetchImage(app.baseUrl, gone.json.url)).status).toBe(404);
    expect((await fetchImage(app.baseUrl, kept.json.url)).status).toBe(200);
    const revision = await app.db.selectFrom('post_revisions').select('body').where('post_id', '=', id).executeTakeFirstOrThrow();
    expect(revision.body).toContain(gone.json.id);
  });
});
