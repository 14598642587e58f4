/**
 * The load generator's worker thread: runs LoadJobs sent by bench/load.ts with node's http client
 * over a keep-alive agent and answers with the latency of every measured request.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, LoadJob, LoadResult, RequestSpec, ToWorker } from './load';

interface Answer {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

function send(agent: http.Agent, base: URL, spec: RequestSpec, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...spec.headers };
    let payload: Buffer | undefined;
    if (spec.body !== undefined) {
      payload = Buffer.from(spec.body, 'utf8');
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: spec.method, path: spec.path, headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Jobs running, by id: what stops each one sending. */
const stoppers = new Map<number, () => void>();

async function run(id: number, job: LoadJob): Promise<LoadResult> {
  const base = new URL(job.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const timeoutMs = job.timeoutMs ?? 30_000;
  const latenciesMs: number[] = new Array<number>(job.count).fill(NaN);
  const bodies: string[] = [];
  const errors: string[] = [];
  let lastBytes = 0;
  let headers: Record<string, string> | undefined;
  let deadline = Infinity;
  let stopped = false;
  stoppers.set(id, () => {
    stopped = true;
    deadline = -Infinity;
  });

  // `concurrency` lanes take the next request index until the range is done.
  const phase = async (from: number, to: number, measured: boolean) => {
    let next = from;
    const lane = async () => {
      while (next < to && performance.now() < deadline) {
        const i = next++;
        const spec = job.requests[i % job.requests.length]!;
        const t0 = performance.now();
        try {
          const answer = await send(agent, base, spec, timeoutMs);
          const ms = performance.now() - t0;
          if (answer.status !== job.expectStatus) {
            errors.push(`${spec.method} ${spec.path}: ${answer.status} ${answer.body.toString('utf8', 0, 200)}`);
          }
          if (measured) {
            latenciesMs[i - from] = ms;
            lastBytes = answer.body.length;
            if (job.keepHeaders)
              headers = Object.fromEntries(job.keepHeaders.flatMap((h) => (answer.headers[h] ? [[h, String(answer.headers[h])]] : [])));
            if (job.keepBodies) bodies[i - from] = answer.body.toString('utf8');
          }
        } catch (error) {
          errors.push(`${spec.method} ${spec.path}: ${(error as Error).message}`);
        }
        if (job.gapMs) await new Promise((r) => setTimeout(r, job.gapMs));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(job.concurrency, to - from)) }, lane));
  };

  try {
    await phase(0, job.warmup, false);
    const t0 = performance.now();
    if (job.untilMs !== undefined && !stopped) deadline = t0 + job.untilMs;
    await phase(job.warmup, job.warmup + job.count, true);
    const elapsedMs = performance.now() - t0;
    return { latenciesMs, elapsedMs, errors, lastBytes, ...(job.keepBodies ? { bodies } : {}), ...(headers ? { headers } : {}) };
  } finally {
    stoppers.delete(id);
    agent.destroy();
  }
}

parentPort?.on('message', (m: ToWorker) => {
  if ('stop' in m) return void stoppers.get(m.id)?.();
  run(m.id, m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, result } satisfies FromWorker),
    (error: Error) => parentPort!.postMessage({ id: m.id, error: error.message } satisfies FromWorker),
  );
});
