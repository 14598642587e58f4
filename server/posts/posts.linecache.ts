import type { SafeHtml } from '../views/html';

/**
 * Rendered follow-up trees of thread pages, per (post, thread seq, variant, whether deleted posts
 * are shown, link prefix). Every change to a thread raises its seq (thread_events), so an entry can never be
 * stale: a new version of the thread simply has a new key, and old entries age out. The tree is
 * the expensive part of a big thread's page (reading and rendering thousands of lines); the rest
 * of the page (the post, the viewer's forms) is rendered for every request.
 */
export interface RenderedLines {
  html: SafeHtml;
  count: number;
}

const MAX_BYTES = 64 * 1024 * 1024;
const entries = new Map<string, RenderedLines>();
let bytes = 0;

export function linesKey(postId: string, seq: number, variant: string | undefined, seesDeleted: boolean, prefix: string): string {
  return `${postId}:${seq}:${variant ?? 'original'}:${seesDeleted ? 'm' : 'r'}:${prefix}`;
}

export function getLines(key: string): RenderedLines | undefined {
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key); // most recently used last
    entries.set(key, hit);
  }
  return hit;
}

export function putLines(key: string, lines: RenderedLines): void {
  // JavaScript strings take two bytes a character.
  const size = lines.html.html.length * 2;
  if (size > MAX_BYTES / 4) return;
  const old = entries.get(key);
  if (old) bytes -= old.html.html.length * 2; // two requests rendered the same version at once
  entries.delete(key);
  entries.set(key, lines);
  bytes += size;
  for (const [k, v] of entries) {
    if (bytes <= MAX_BYTES) break;
    entries.delete(k);
    bytes -= v.html.html.length * 2;
  }
}

/** Empties the cache (benchmarks measure cold pages with it). */
export function clearLineCache(): void {
  entries.clear();
  bytes = 0;
}
