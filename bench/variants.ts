import type { Caches } from '../server/caches';
import { percentile } from './load';

/**
 * The cost of reading a thread page in another script. Requests go one at a time from this process
 * (the app runs here too, so caches can be emptied between requests), three ways:
 * - cold: the conversion cache and the rendered-tree cache emptied before every request;
 * - conversion cached: only the rendered tree emptied (converted titles reused, tree re-rendered);
 * - page cached: nothing emptied (the rendered tree is reused while the thread does not change).
 * Each is compared with the same page as written, measured the same way.
 */
export interface VariantFigure {
  thread: string;
  variant: string;
  coldP50: number;
  conversionCachedP50: number;
  pageCachedP50: number;
  /** The same three for the page as written. */
  original: { coldP50: number; conversionCachedP50: number; pageCachedP50: number };
}

async function timeGets(url: string, n: number, before: () => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    before();
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    if (i >= 3) times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

async function three(caches: Caches, url: string, n: number) {
  const coldP50 = await timeGets(url, n, () => {
    caches.lines.clear();
    caches.conversions.clear();
  });
  const conversionCachedP50 = await timeGets(url, n, () => caches.lines.clear());
  const pageCachedP50 = await timeGets(url, n, () => undefined);
  return { coldP50, conversionCachedP50, pageCachedP50 };
}

/** Measures `variants` of one thread page against the page as written; `caches` are the app's. */
export async function measureVariants(
  caches: Caches,
  appUrl: string,
  thread: string,
  rootId: string,
  variants: string[],
  n = 20,
): Promise<VariantFigure[]> {
  const original = await three(caches, `${appUrl}/t/${rootId}`, n);
  const out: VariantFigure[] = [];
  for (const variant of variants) out.push({ thread, variant, ...(await three(caches, `${appUrl}/${variant}/t/${rootId}`, n)), original });
  return out;
}
