import { HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { until } from '../helpers/wait';
import { type ApiPost, createTestBoard, memberClient, postReply, postThread } from '../factories';
import { CANDIDATE_CAP, type Candidate, mergeChanged } from '../../server/search/search.repository';

// Searches kept per query and filters (caches.ts SearchHits), with the posts changed since they
// were read checked again: a repeated search does not read its matches again, and still finds
// what any process wrote, edited or deleted since.

jest.setTimeout(60_000);

let app: TestApp;
// A second process on the same database (a real one: its writes reach this one only over LISTEN).
let other: ServerProcess;
let board: { slug: string };
let here: HttpClient;
let there: HttpClient;
let root: ApiPost;

beforeAll(async () => {
  app = await startTestApp();
  other = await startServerProcess({ DATABASE_URL: app.url });
  board = await createTestBoard(app.db);
  here = app.client();
  there = new HttpClient(`http://127.0.0.1:${other.port}`);
  await memberClient(app.db, here, { name: 'kept_here' });
  await memberClient(app.db, there, { name: 'kept_there' });
  root = await postThread(here, board, '榴莲的季节', '今年的榴莲很便宜');
  for (let i = 0; i < 3; i++) await postReply(here, root.id, `榴莲 ${i}`, `第${i}个榴莲`);
}, 120_000);
afterAll(async () => {
  other?.child.kill('SIGKILL');
  await app.close();
});

/** The ids a search on the board finds (GET /api/search) through `client`'s process. */
async function found(q: string, client: HttpClient = app.client()): Promise<string[]> {
  const res = await client.get(`/api/search?${new URLSearchParams({ q, board: board.slug })}`);
  if (res.status !== 200) throw new Error(`search ${q} answered ${res.status} ${res.text}`);
  return res.json.results.map((r: { post: { id: string } }) => r.post.id);
}

/** The statements `run` made that read post_search. */
async function searchStatements(run: () => Promise<unknown>): Promise<string[]> {
  const before = app.queries();
  await run();
  return app.statements(app.queries() - before).filter((s) => s.includes('post_search'));
}

describe('a kept search', () => {
  it('answers again without reading its matches, and checks again only the posts written since', async () => {
    const first = await found('榴莲');
    expect(first).toHaveLength(4);
    // Once the posts written above are heard back, nothing is left to check again.
    await until(async () => (await searchStatements(() => found('榴莲'))).length === 0, 'a search answered from what is kept');
    expect(await searchStatements(() => found('榴莲'))).toEqual([]);
    expect(await found('榴莲')).toEqual(first);

    const reply = await postReply(here, root.id, '又一个榴莲', '新鲜的榴莲');
    const statements: string[] = [];
    statements.push(...(await searchStatements(async () => expect(await found('榴莲')).toEqual([reply.id, ...first]))));
    // One statement, for the one post written since; not the newest matches read again.
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/post_id = any\(/);
    expect(statements[0]).not.toMatch(/limit/);
  });

  it('finds what another process wrote, edited and deleted, once its announcement is heard here', async () => {
    await found('山竹');
    const theirs = await postReply(there, root.id, '山竹', '山竹也来了');
    await until(async () => (await found('山竹')).includes(theirs.id), 'the other process’s post found here');

    const edited = await there.request('PATCH', `/api/posts/${theirs.id}`, { json: { title: '水果', body: '现在写着荔枝' } });
    expect(edited.status).toBe(200);
    await until(async () => (await found('山竹')).length === 0, 'the edited post gone from the kept search');
    await until(async () => (await found('荔枝')).includes(theirs.id), 'the edited post found under its new word');

    const deleted = await there.request('DELETE', `/api/posts/${theirs.id}`);
    expect(deleted.status).toBe(200);
    await until(async () => (await found('荔枝')).length === 0, 'the deleted post gone from the kept search');
  });

  it('is not kept while the process hears no announcements: every search reads its matches', async () => {
    app.caches.searches.linkLost();
    try {
      await found('榴莲');
      expect(await searchStatements(() => found('榴莲'))).toEqual([expect.stringMatching(/limit/)]);
    } finally {
      app.caches.searches.linkUp();
    }
  });
});

describe('mergeChanged', () => {
  const at = (id: number): Candidate => ({ post_id: String(id), created_at: new Date(id * 1000), in_title: id % 2 === 0 });
  const kept = (ids: number[], capped: boolean) => ({
    ids: Float64Array.from(ids),
    createdAt: Float64Array.from(ids.map((id) => id * 1000)),
    inTitle: Uint8Array.from(ids.map((id) => (id % 2 === 0 ? 1 : 0))),
    capped,
  });

  it('drops the changed posts, takes back those that still match, newest first', () => {
    const merged = mergeChanged(kept([9, 7, 5, 3], false), ['7', '5', '12'], [at(12), at(5)]);
    expect(merged && Array.from(merged.ids)).toEqual([12, 9, 5, 3]);
    expect(merged && Array.from(merged.inTitle)).toEqual([1, 0, 0, 0]);
    expect(merged?.capped).toBe(false);
  });

  it('keeps the newest up to the cap, and says so', () => {
    const full = Array.from({ length: CANDIDATE_CAP + 1 }, (_, i) => 5000 - i);
    const merged = mergeChanged(kept(full, true), ['6000'], [at(6000)]);
    expect(merged?.ids.length).toBe(CANDIDATE_CAP + 1);
    expect(merged?.ids[0]).toBe(6000);
    expect(merged?.capped).toBe(true);
    // Under the cap, reaching it.
    const grown = mergeChanged(kept(full.slice(0, CANDIDATE_CAP), false), ['6000', '6001'], [at(6000), at(6001)]);
    expect(grown?.ids.length).toBe(CANDIDATE_CAP + 1);
    expect(grown?.capped).toBe(true);
  });

  it('past the cap, leaves out a changed post older than the last one kept: it may not be among the newest', () => {
    const full = Array.from({ length: CANDIDATE_CAP + 1 }, (_, i) => 5000 - i);
    const last = full[full.length - 1]!;
    // 4990 leaves, 100 (far older, edited to match) would fill its place: the true next one is unknown.
    expect(mergeChanged(kept(full, true), ['4990', '100'], [at(100)])).toBeUndefined();
    // The last one kept, still matching, keeps its place.
    expect(mergeChanged(kept(full, true), [String(last)], [at(last)])?.ids.length).toBe(CANDIDATE_CAP + 1);
    // Not capped: every match was kept, so an old post that now matches comes in.
    expect(Array.from(mergeChanged(kept([9, 7], false), ['1'], [at(1)])!.ids)).toEqual([9, 7, 1]);
  });

  it('gives up when a post left a search that had reached its cap: the next older match is not known', () => {
    const full = Array.from({ length: CANDIDATE_CAP + 1 }, (_, i) => 5000 - i);
    expect(mergeChanged(kept(full, true), ['4990'], [])).toBeUndefined();
    expect(mergeChanged(kept(full, false), ['4990'], [])?.ids.length).toBe(CANDIDATE_CAP);
  });
});
