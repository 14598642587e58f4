import http from 'node:http';
import { type Kysely, sql } from 'kysely';
import { createApp } from '../server/app';
import { createCaches } from '../server/caches';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/database';
import { createLogger } from '../server/log';
import { detectVariant } from '../server/text/convert';
import { type Summary, summarize } from './load';
import { SETTINGS, listen } from './reading.app';
import { aloneOnClone } from './reading.alone';
import { PASSWORD, type ReadingManifest } from './reading.dataset';
import { cjkTitle, randomBody, seededRandom } from './shape';

/**
 * Reply inserts (bench/reading.ts): through HTTP at 10 and 100,000 follow-ups, against a bare
 * insert-and-bump transaction, in rotating order; and that measurement alone (BENCH_READING=inserts).
 */

/** A follow-up written the barest way: the post and its thread's counters, in one transaction. */
async function bareInsert(db: Kysely<Database>, threadId: string, parentId: string, authorId: string, title: string, body: string) {
  await db.transaction().execute(async (tx) => {
    await sql`update threads set reply_count = reply_count + 1, last_activity_at = now() where thread_id = ${threadId}`.execute(tx);
    await sql`
      insert into posts (id, board_id, thread_id, parent_id, path, depth, author_id, title, body, bytes, variant)
      select n.id, p.board_id, p.thread_id, p.id, p.path || n.id, p.depth + 1, ${authorId}, ${title}, ${body}, octet_length(${body}), ${detectVariant(title)}
      from posts p, (select nextval(pg_get_serial_sequence('posts', 'id')) as id) n
      where p.id = ${parentId}`.execute(tx);
  });
}

/** Sends one JSON POST on a keep-alive agent and returns the status. */
function post(agent: http.Agent, url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The reply inserts alone, on a clone of the dataset, in an app set up as benchReading's. */
export async function benchInsertsOnly(serverUrl: string): Promise<void> {
  await aloneOnClone(serverUrl, async ({ url, manifest, db, cleanups, failures }) => {
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
    const app = createApp({ config, db, log: createLogger('silent'), caches: createCaches() });
    const appUrl = await listen(http.createServer(app), cleanups);
    const i = await timeInserts(db, appUrl, manifest, failures);
    const row = (what: string, s: Summary) => `| ${what} | ${s.requests} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(1)} |`;
    console.log(
      [
        '',
        '| insert | requests | p50 ms | p99 ms |',
        '| --- | --- | --- | --- |',
        row('reply, 10 follow-ups', i.at10),
        row('reply, 100,000 follow-ups', i.at100k),
        row('bare insert-and-bump', i.bare),
        '',
        `reply insert, 100,000 ÷ 10: ${(i.at100k.p50 / i.at10.p50).toFixed(2)}× (target ≤ 1.3×)`,
        `reply insert ÷ bare insert-and-bump: ${(i.at100k.p50 / i.bare.p50).toFixed(2)}× (target ≤ 3×)`,
      ].join('\n'),
    );
  });
}

/** Reply inserts through HTTP at 10 and 100,000 follow-ups and a bare transaction, in rotating order. */
export async function timeInserts(db: Kysely<Database>, appUrl: string, m: ReadingManifest, failures: string[]) {
  const random = seededRandom(1313);
  const idsOf = async (rootId: string) =>
    (await sql<{ id: string }>`select id::text as id from posts where thread_id = ${rootId}`.execute(db)).rows.map((r) => r.id);
  const ids10 = await idsOf(m.threads['10'].rootId);
  const ids100k = await idsOf(m.threads['100000'].rootId);
  const author = (await sql<{ id: string }>`select id::text as id from users where name = ${m.authors[0]!}`.execute(db)).rows[0]!.id;
  const login = await fetch(`${appUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ username: m.authors[0], password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('gentie_session='))!
    .split(';')[0]!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { cookie, 'sec-fetch-site': 'same-origin' };
  const pick = (ids: string[]) => ids[Math.floor(random() * ids.length)]!;
  const replyAt = (ids: string[]) => async () => {
    const status = await post(
      agent,
      `${appUrl}/api/posts/${pick(ids)}/replies`,
      JSON.stringify({ title: cjkTitle(random), body: randomBody(random) }),
      headers,
    );
    if (status !== 201) failures.push(`POST reply: ${status}`);
  };
  const kinds = [
    replyAt(ids10),
    replyAt(ids100k),
    () => bareInsert(db, m.threads['100000'].rootId, pick(ids100k), author, cjkTitle(random), randomBody(random)),
  ];
  const times: number[][] = [[], [], []];
  try {
    for (let round = 0; round < SETTINGS.insertWarmupRounds + SETTINGS.insertRounds; round++) {
      for (let k = 0; k < 3; k++) {
        const which = (round + k) % 3;
        const t0 = performance.now();
        await kinds[which]!();
        if (round >= SETTINGS.insertWarmupRounds) times[which]!.push(performance.now() - t0);
      }
    }
  } finally {
    agent.destroy();
  }
  const s = (xs: number[]) =>
    summarize(
      xs,
      xs.reduce((a, b) => a + b, 0),
    );
  return { at10: s(times[0]!), at100k: s(times[1]!), bare: s(times[2]!) };
}
