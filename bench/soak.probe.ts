/**
 * Where the server's main thread spends its time, per kind of request (bench/soak.ts): each kind
 * sent alone, one at a time, a few dozen times, with the main thread's CPU time (Linux
 * /proc/PID/task/PID/schedstat) and the server's query count (/metrics) read around them. CPU
 * time per request moves far less with the machine's load than latency does, so figures taken on a
 * busy machine still say what each kind costs, and the same probe before and after the soak says
 * how that cost grew as the forum did (longer threads, more posts to search and rank).
 */
import { mainThreadCpuMs, promValue } from './soak.stats';

/** The cost of one kind of request, averaged over the probe's requests. */
export interface KindCost {
  kind: string;
  /** Main-thread CPU ms per request (NaN where /proc does not tell it). */
  cpuMs: number;
  /** Database queries per request (gentie_db_query_duration_seconds' count). */
  queries: number;
}

/** Sends `count` requests of each kind one at a time and measures what each costs the server. */
export async function probeKinds(
  kinds: readonly string[],
  count: number,
  serverPid: number | undefined,
  one: (kind: string) => Promise<void>,
  metrics: () => Promise<string>,
): Promise<KindCost[]> {
  const queries = async () => promValue(await metrics(), 'gentie_db_query_duration_seconds_count');
  const costs: KindCost[] = [];
  for (const kind of kinds) {
    // One unmeasured first: a kind's first request may fill caches the rest then share.
    await one(kind);
    const q0 = await queries();
    const c0 = mainThreadCpuMs(serverPid);
    for (let i = 0; i < count; i++) await one(kind);
    const c1 = mainThreadCpuMs(serverPid);
    const q1 = await queries();
    costs.push({ kind, cpuMs: (c1 - c0) / count, queries: (q1 - q0) / count });
  }
  return costs;
}

/** Two probes side by side: the cost of each kind at the start of the soak and at its end. */
export function formatCosts(before: KindCost[], after: KindCost[]): string {
  const f = (n: number | undefined, d = 2) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(d));
  const lines = ['kind              CPU ms start  CPU ms end   ratio  queries start  queries end'];
  for (const b of before) {
    const a = after.find((x) => x.kind === b.kind);
    lines.push(
      `${b.kind.padEnd(17)} ${f(b.cpuMs).padStart(12)} ${f(a?.cpuMs).padStart(11)} ${f(a && a.cpuMs / b.cpuMs).padStart(7)} ${f(b.queries, 1).padStart(14)} ${f(a?.queries, 1).padStart(12)}`,
    );
  }
  return lines.join('\n');
}
