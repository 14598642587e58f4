/**
 * `npm run bench -- formats`: the preview (issue 16). A member's `POST /api/preview` of a 10 KB
 * body, through the real app over HTTP, one request at a time: text, markdown, and markdown shown
 * in another variant (zh-hans, converted as the post would be). Target: p50 ≤ 10 ms. Beside it,
 * the rendering alone (text/formats.ts renderBody, in this process), so the HTTP and session share
 * can be told from the rendering's. Prints a table and writes bench/results.formats.json.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/log';
import { openEmbedded } from '../server/db/embedded';
import { createMember } from '../server/members/members.service';
import { renderBody } from '../server/text/formats';
import { utf8Bytes } from '../server/text/bytes';
import { freshDatabase } from './datasets';
import { listenLocal, percentile } from './load';
import { cjkText, seededRandom } from './shape';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.formats.json');
const DATABASE = 'gentie_bench_formats';
const PASSWORD = 'bench password 跟帖';
/** Requests per case (after 20 to warm up), one at a time. */
const REQUESTS = 200;
const TARGET_MS = 10;
const BODY_BYTES = 10_000;

/** About `bytes` of a trip report as a member writes it in `format`: paragraphs, a list, a quote, links, code. */
export function sampleBody(format: 'text' | 'markdown', bytes: number): string {
  const random = seededRandom(16);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const para = cjkText(300, random);
    const piece =
      format === 'text'
        ? i % 4 === 3
          ? `${para}\n詳見 https://example.com/trip/${i}?day=${i}&from=bench 。`
          : para
        : [
            `${para} **重點${i}** 和 *提示*，見 [行程](https://example.com/trip/${i})。`,
            `- 第一天：${cjkText(40, random)}\n- 第二天：${cjkText(40, random)}`,
            `> ${cjkText(80, random)}`,
            i % 5 === 0 ? '```\nconst a = 1 < 2;\n```' : `\`代碼${i}\` 和 a<b`,
          ][i % 4]!;
    parts.push(piece);
    size += utf8Bytes(piece) + 2;
  }
  return parts.join('\n\n');
}

interface FormatFigure {
  case: string;
  bodyBytes: number;
  p50: number;
  p95: number;
  renderP50: number;
}

async function timed(n: number, warmup: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    await fn();
    if (i >= warmup) times.push(performance.now() - t0);
  }
  return times;
}

/** The section alone: its own database on the bench's embedded server, figures printed and saved. */
export async function runFormatsBench(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  const { url, db } = await freshDatabase(embedded.url, DATABASE);
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
    const app = createApp({ config, db, log: createLogger('silent') });
    const base = await listenLocal(http.createServer(app), cleanups, 5_000);
    await createMember(db, { username: '預覽者', password: PASSWORD });
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ username: '預覽者', password: PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('gentie_session='))
      ?.split(';')[0];
    if (!cookie) throw new Error(`login failed: ${login.status}`);

    const figures: FormatFigure[] = [];
    for (const c of [
      // The floor: the same request with nothing to render (session, origin check, the limit spent).
      { name: 'empty body (the floor)', format: 'empty', variant: undefined },
      { name: 'text', format: 'text', variant: undefined },
      { name: 'markdown', format: 'markdown', variant: undefined },
      { name: 'markdown, shown in zh-hans', format: 'markdown', variant: 'zh-hans' },
    ] as const) {
      const format = c.format === 'empty' ? 'text' : c.format;
      const body = c.format === 'empty' ? '' : sampleBody(c.format, BODY_BYTES);
      const payload = JSON.stringify({ format, body, title: '十月的行程', variant: c.variant });
      const times = await timed(REQUESTS, 20, async () => {
        const res = await fetch(`${base}/api/preview`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', cookie },
          body: payload,
        });
        const json = (await res.json()) as { html?: string; bytes?: number };
        if (res.status !== 200 || json.html === undefined || json.bytes !== utf8Bytes(body)) throw new Error(`preview: ${res.status}`);
      });
      const render = await timed(REQUESTS, 20, () => renderBody(format, body));
      figures.push({
        case: c.name,
        bodyBytes: utf8Bytes(body),
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        renderP50: percentile(render, 50),
      });
    }

    console.log(`\nPreview (POST /api/preview, ${REQUESTS} requests one at a time; target p50 ≤ ${TARGET_MS} ms)`);
    console.log('case                          body      p50 ms   p95 ms   renderBody p50 ms');
    for (const f of figures) {
      console.log(
        `${f.case.padEnd(30)}${String(f.bodyBytes).padStart(6)} B ${f.p50.toFixed(2).padStart(8)} ${f.p95.toFixed(2).padStart(8)} ${f.renderP50.toFixed(2).padStart(12)}`,
      );
    }
    const ok = figures.every((f) => f.p50 <= TARGET_MS);
    const floor = figures[0]!.p50;
    console.log(`rendering's share of a preview: p50 minus the floor's (${floor.toFixed(2)} ms)`);
    console.log(ok ? 'target met' : 'TARGET MISSED');
    if (!ok) process.exitCode = 1;
    writeFileSync(RESULTS_FILE, JSON.stringify({ at: new Date().toISOString(), targetMs: TARGET_MS, figures }, null, 2) + '\n');
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    await db.destroy();
    await embedded.stop();
  }
}
