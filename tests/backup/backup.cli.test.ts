import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { type TestApp, type HttpClient, startTestApp } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/processes';
import { createTestBoard, logInClient, createMember, postReply, postThread } from '../factories';
import { png, upload } from '../uploads/images';

/**
 * gentie export and import through the CLI, as an operator runs them: the imported forum answers
 * every page and API request byte for byte as the original did.
 */

let dir: string;
let source: TestApp;
let archive: string;
const extra: TestDatabase[] = [];
const members: Record<string, { name: string; password: string; client: HttpClient }> = {};
const threadIds: string[] = [];
const postIds: string[] = [];
const messageIds: string[] = [];
let uploadPaths: string[] = [];
const boards: string[] = [];

const env = (url: string) => ({ DATABASE_URL: url, LOG_LEVEL: 'warn' });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gentie-backup-'));
  source = await startTestApp();
  for (const slug of ['tech', 'life'])
    boards.push((await createTestBoard(source.db, { slug, name: slug === 'tech' ? '電腦技術' : '生活' })).slug);
  for (const name of ['阿明', 'xiaohong', '老王']) {
    const m = await createMember(source.db, { name, role: name === '老王' ? 'admin' : 'member' });
    const client = source.client();
    await logInClient(client, m);
    members[name] = { name, password: m.password, client };
  }
  const a = members['阿明']!.client;
  const b = members.xiaohong!.client;
  const image = await upload(a, await png(120, 80), { type: 'image/png', name: 'p.png' });
  expect(image.status).toBe(201);
  uploadPaths = [image.json.url, image.json.thumbnailUrl];
  for (const [i, slug] of boards.entries()) {
    for (let t = 0; t < 2; t++) {
      const root = await postThread(a, { slug }, `軟件與軟體 ${i}-${t}`, `<p>第一帖 <img src="${image.json.url}" alt="圖"></p>`);
      threadIds.push(root.id);
      postIds.push(root.id);
      const r1 = await postReply(b, root.id, `回覆 ${t}`, '<p>服务器内存不够了</p>');
      const r2 = await postReply(a, r1.id, `再回覆 ${t}`);
      postIds.push(r1.id, r2.id);
    }
  }
  // An edit (a revision), a deletion, a 悄悄話 each way, a report.
  expect((await a.request('PATCH', `/api/posts/${postIds[0]}`, { json: { title: '改過的標題', body: '<p>改過了</p>' } })).status).toBe(200);
  expect((await b.request('DELETE', `/api/posts/${postIds[4]}`, { json: {} })).status).toBeLessThan(300);
  for (const [from, to] of [
    [a, 'xiaohong'],
    [b, '阿明'],
  ] as const) {
    const sent = await from.post('/api/messages', { to, title: '悄悄話', body: `<p>給 ${to} 的秘密</p>` });
    expect(sent.status).toBe(201);
    messageIds.push(sent.json.message.id);
  }
  // Each recipient reads theirs (the page marks it read): reading is not what the comparison tests.
  expect((await b.get(`/messages/${messageIds[0]}`)).status).toBe(200);
  expect((await a.get(`/messages/${messageIds[1]}`)).status).toBe(200);
  expect((await b.post(`/api/posts/${postIds[1]}/report`, { reason: '測試舉報' })).status).toBeLessThan(300);
  await source.reads.flush();
  archive = path.join(dir, 'forum.gentie');
  const exported = await spawnCli(['export', archive], env(source.url));
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  expect(exported.stdout).toMatch(/exported \d+ tables, \d+ rows to .*forum\.gentie .*mode 0600.*peak memory \d+ MB/);
}, 120_000);

afterAll(async () => {
  await source?.close();
  for (const d of extra) await d.drop();
  await rm(dir, { recursive: true, force: true });
});

/** A database with no schema at all, as a new DATABASE_URL gives. */
async function emptyDatabase(): Promise<TestDatabase> {
  const d = await createTestDatabase({ empty: true, max: 2 });
  extra.push(d);
  return d;
}

/** Rewrites the archive's manifest with `change` and writes it under `name`. */
async function withManifest(name: string, change: (m: Record<string, unknown>) => void): Promise<string> {
  const bytes = gunzipSync(await readFile(archive));
  const magic = 'GENTIE-ARCHIVE\n'.length;
  const length = bytes.readUInt32BE(magic + 1);
  const manifest = JSON.parse(bytes.subarray(magic + 5, magic + 5 + length).toString('utf8'));
  change(manifest);
  const body = Buffer.from(JSON.stringify(manifest));
  const head = Buffer.alloc(5);
  head.write('M', 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  const out = path.join(dir, name);
  await writeFile(out, gzipSync(Buffer.concat([bytes.subarray(0, magic), head, body, bytes.subarray(magic + 5 + length)])));
  return out;
}

/**
 * Rewrites one table's rows in the archive with `change` (its COPY text), its end frame's sha256
 * made to match, and writes it under `name`: an archive import accepts, whatever the rows say.
 */
async function withRows(name: string, table: string, change: (copyText: string) => string): Promise<string> {
  const bytes = gunzipSync(await readFile(archive));
  const magic = 'GENTIE-ARCHIVE\n'.length;
  const frames: { kind: string; body: Buffer }[] = [];
  for (let at = magic; at < bytes.length;) {
    const length = bytes.readUInt32BE(at + 1);
    frames.push({ kind: bytes.toString('latin1', at, at + 1), body: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  const start = frames.findIndex((f) => f.kind === 'T' && JSON.parse(f.body.toString('utf8')).table === table);
  const end = frames.findIndex((f, i) => i > start && f.kind === 'E');
  const rows = Buffer.from(change(Buffer.concat(frames.slice(start + 1, end).map((f) => f.body)).toString('utf8')));
  const ending = { ...JSON.parse(frames[end]!.body.toString('utf8')), sha256: createHash('sha256').update(rows).digest('hex') };
  frames.splice(start + 1, end - start, { kind: 'D', body: rows }, { kind: 'E', body: Buffer.from(JSON.stringify(ending)) });
  const framed = frames.map((f) => {
    const head = Buffer.alloc(5);
    head.write(f.kind, 0, 'latin1');
    head.writeUInt32BE(f.body.length, 1);
    return Buffer.concat([head, f.body]);
  });
  const out = path.join(dir, name);
  await writeFile(out, gzipSync(Buffer.concat([bytes.subarray(0, magic), ...framed])));
  return out;
}

const count = async (d: TestDatabase, table: 'users' | 'posts' | 'maintenance') =>
  Number(
    (
      await d.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('gentie export', () => {
  it('writes the archive mode 0600', () => {
    expect(statSync(archive).mode & 0o777).toBe(0o600);
  });

  it('holds every table of the schema, or names it as left out with its reason', async () => {
    const bytes = gunzipSync(await readFile(archive));
    const magic = 'GENTIE-ARCHIVE\n'.length;
    const manifest = JSON.parse(bytes.subarray(magic + 5, magic + 5 + bytes.readUInt32BE(magic + 1)).toString('utf8'));
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p')`.execute(source.db);
    const archived = new Set(manifest.tables.map((t: { name: string }) => t.name));
    const excluded = new Map(manifest.excluded.map((e: { table: string; why: string }) => [e.table, e.why]));
    // A table a migration adds travels unless it is deliberately left out (and then it is named here).
    expect([...excluded.keys()].sort()).toEqual(
      ['kysely_migration', 'kysely_migration_lock', 'maintenance', 'pace_counts', 'rate_limits', 'thread_views'].sort(),
    );
    for (const { name } of rows) expect(archived.has(name) || excluded.has(name)).toBe(true);
    for (const t of [
      'users',
      'posts',
      'post_search',
      'post_revisions',
      'messages',
      'notifications',
      'moderation_log',
      'uploads',
      'upload_blobs',
      'sessions',
    ])
      expect(archived.has(t)).toBe(true);
    expect(manifest.format).toBe(1);
    expect(manifest.migrations).toContain('2026_12_05_300_maintenance');
  });
});

describe('gentie import', () => {
  let target: TestDatabase;
  let copy: TestApp;

  beforeAll(async () => {
    target = await emptyDatabase();
    const imported = await runCli(['import', archive], env(target.url));
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported \d+ tables, \d+ rows/);
    copy = await startTestApp({ databaseOf: target });
  }, 120_000);

  afterAll(async () => {
    await copy?.close();
  });

  it('keeps ids, sequences and every row', async () => {
    for (const table of [
      'users',
      'posts',
      'post_search',
      'messages',
      'notifications',
      'upload_blobs',
      'post_revisions',
      'reports',
      'sessions',
    ] as const) {
      const a = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(source.db);
      const b = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(target.db);
      expect([table, b.rows[0]!.n]).toEqual([table, a.rows[0]!.n]);
    }
    const docs = async (d: TestDatabase) =>
      (await sql<{ d: string }>`select string_agg(post_id || doc::text, '|' order by post_id) as d from post_search`.execute(d.db)).rows[0]!
        .d;
    expect(await docs(target)).toBe(await docs(source));
    const next = async (d: TestDatabase) =>
      (await sql<{ n: string }>`select last_value::text as n from posts_id_seq`.execute(d.db)).rows[0]!.n;
    expect(await next(target)).toBe(await next(source));
  });

  it('answers every page and API request byte for byte, anonymous and signed in, in two scripts', async () => {
    const paths: string[] = [
      '/',
      '/api/boards',
      '/search?q=%E8%BB%9F%E9%AB%94',
      '/api/search?q=%E8%BB%9F%E9%AB%94',
      '/feed.xml',
      '/sitemap.xml',
    ];
    for (const slug of boards) paths.push(`/b/${slug}`, `/api/boards/${slug}/threads`, `/b/${slug}/featured`, `/b/${slug}/feed.xml`);
    for (const id of postIds) paths.push(`/t/${id}`, `/api/posts/${id}`, `/api/posts/${id}/revisions`);
    for (const name of Object.keys(members)) paths.push(`/u/${encodeURIComponent(name)}`, `/api/members/${encodeURIComponent(name)}`);
    const signedIn = ['/messages', '/api/messages', '/notifications', '/api/notifications', '/settings', '/log'];
    for (const id of messageIds) signedIn.push(`/messages/${id}`, `/api/messages/${id}`);
    const readers: [string, HttpClient | undefined][] = [
      ['anonymous', undefined],
      ...Object.values(members).map((m) => [m.name, m.client] as [string, HttpClient]),
    ];
    let compared = 0;
    for (const [who, client] of readers) {
      for (const prefix of ['', '/zh-hans']) {
        for (const p of client ? [...paths, ...signedIn] : paths) {
          // API answers take the variant as a parameter, pages as a prefix.
          const url = p.startsWith('/api/')
            ? prefix
              ? `${p}${p.includes('?') ? '&' : '?'}variant=zh-hans`
              : p
            : prefix + (p === '/' && prefix ? '' : p);
          // Each on its own database: asked at once, one renders while the other waits on PostgreSQL.
          const [a, b] = await Promise.all([get(source.baseUrl, url, client), get(copy.baseUrl, url, client)]);
          expect([who, url, b.status]).toEqual([who, url, a.status]);
          expect([who, url, normalize(b.text)]).toEqual([who, url, normalize(a.text)]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
    // The uploads' bytes.
    for (const p of uploadPaths) {
      const a = await fetch(source.baseUrl + p);
      const b = await fetch(copy.baseUrl + p);
      expect(b.status).toBe(200);
      expect(Buffer.from(await b.arrayBuffer()).equals(Buffer.from(await a.arrayBuffer()))).toBe(true);
    }
  }, 120_000);

  it('goes on from the archive: members sign in with their passwords, new posts continue the ids', async () => {
    const client = copy.client();
    await logInClient(client, members.xiaohong!);
    const again = await postReply(client, threadIds[0]!, '導入後');
    expect(BigInt(again.id)).toBeGreaterThan(BigInt(postIds.at(-1)!));
    // The member's session from before the export is still good.
    expect((await withCookies(copy, members['阿明']!.client).get('/api/me')).json.member.name).toBe('阿明');
  });

  it('refuses a database that is not empty, and changes nothing', async () => {
    const before = await count(target, 'posts');
    const again = await runCli(['import', archive], env(target.url));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the database is not empty \(.*rows?.*\): import only into an empty database/);
    expect(await count(target, 'posts')).toBe(before);
    expect(await count(target, 'maintenance')).toBe(0);
  });
});

describe('gentie import refuses', () => {
  const refused = async (file: string, message: RegExp) => {
    const target = await emptyDatabase();
    const outcome = await runCli(['import', file], env(target.url));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr).toMatch(/nothing was imported/);
    // Nothing of it stayed: no forum, and no maintenance mode.
    const tables = await sql<{ t: string | null }>`select to_regclass('users')::text as t`.execute(target.db);
    if (tables.rows[0]!.t) {
      expect(await count(target, 'users')).toBe(0);
      expect(await count(target, 'maintenance')).toBe(0);
    }
  };

  it('a damaged archive', async () => {
    const bytes = await readFile(archive);
    const damaged = Buffer.from(bytes);
    for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 16; i++) damaged[i] = damaged[i]! ^ 0x5a;
    const file = path.join(dir, 'damaged.gentie');
    await writeFile(file, damaged);
    await refused(file, /cannot import .*damaged\.gentie: its contents are damaged/);
  });

  it('a truncated archive', async () => {
    const bytes = await readFile(archive);
    const file = path.join(dir, 'truncated.gentie');
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await refused(file, /cannot import .*truncated\.gentie: it is truncated/);
  });

  it('a file that is not an archive', async () => {
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, gzipSync(Buffer.from('hello, this is not a forum')));
    await refused(file, /it is not a Gentie archive/);
  });

  it('an archive of a newer format', async () => {
    const file = await withManifest('newer.gentie', (m) => (m.format = 2));
    await refused(file, /it was made by a newer Gentie \(archive format 2; this one reads up to 1\): upgrade Gentie to import it/);
  });

  it('an archive of a newer schema', async () => {
    const file = await withManifest('future.gentie', (m) => (m.migrations as string[]).push('2099_01_01_001_future'));
    await refused(file, /made by a newer Gentie \(its schema has migrations this one does not know: 2099_01_01_001_future\)/);
  });
});

describe('gentie import --verify', () => {
  it('restores into a scratch database, compares and drops it', async () => {
    const target = await emptyDatabase();
    const outcome = await runCli(['import', '--verify', archive], env(target.url));
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const scratch = /scratch database \((gentie_verify_[0-9a-f]+)\)/.exec(outcome.stdout)?.[1];
    expect(scratch).toBeDefined();
    const left = await sql<{ n: string }>`select count(*) as n from pg_database where datname = ${scratch}`.execute(target.db);
    expect(left.rows[0]!.n).toBe('0');
    // The database it was pointed at is left alone.
    expect((await sql<{ t: string | null }>`select to_regclass('users')::text as t`.execute(target.db)).rows[0]!.t).toBeNull();
  });

  it('fails when the rows read back differ from the archive, though the import took them', async () => {
    // A time written with its offset spelled out: COPY takes it, and gives it back as `+00`.
    const file = await withRows('respelled.gentie', 'boards', (text) => text.replace(/(\d{2}:\d{2}:\d{2}(?:\.\d+)?)\+00\b/, '$1+00:00'));
    const target = await emptyDatabase();
    const outcome = await runCli(['import', '--verify', file], env(target.url));
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/boards read back differs from the archive/);
  });
});

/** GET with the client's cookies (or none), reading the body whole. */
async function get(baseUrl: string, url: string, client: HttpClient | undefined) {
  const headers: Record<string, string> = {};
  if (client?.cookies.size) headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(baseUrl + url, { headers, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

/** What differs between two processes by design: the origin they listen on and the hot lists' moment. */
function normalize(text: string): string {
  return text.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'ORIGIN');
}

/** The client's cookies, on the copy's address. */
function withCookies(app: TestApp, client: HttpClient): HttpClient {
  const c = app.client();
  for (const [k, v] of client.cookies) c.cookies.set(k, v);
  return c;
}
