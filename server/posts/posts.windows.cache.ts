import type { LinesCache, RenderedLines, TextCache } from '../caches';
import type { Db } from '../db/database';
import { localizedTitles } from '../text/localize';
import type { Variant } from '../text/convert';
import type { LineContext } from './posts.lines';
import { findEventsBetween, findLines } from './posts.paging.repository';
import { tombstone, toPost } from './posts.model';
import type { WindowVersion } from './posts.windows';
import { type WindowChange, patchWindow } from './posts.windows.patch';

/**
 * The rendered windows of thread pages (caches.lines), one entry per window as a reader of one
 * variant, prefix and time zone sees it, holding the version of the thread it shows. A request
 * for a later version patches the entry from the thread's events since (posts.windows.patch.ts)
 * instead of rendering the window again: every process does so from the same event log, in the
 * request's own snapshot (posts.windows.ts reads the thread's seq and the events in one), so a
 * process that was told of nothing still brings its entry to exactly the version the page shows.
 */

/**
 * The key of a window (its thread's seq is in the entry, not the key). Its lines are in the
 * variant's catalog and script, their links under the prefix and their times in the zone; the
 * conversion rules' version is the glossaries' (a change converts the window anew).
 */
export function windowKey(
  postId: string,
  version: Pick<WindowVersion, 'seesDeleted' | 'start'>,
  reader: { variant: string | undefined; prefix: string; timeZone: string; rules: string },
): string {
  return `${postId}:${reader.variant ?? 'original'}:${version.seesDeleted ? 'm' : 'r'}:${reader.prefix}:${version.start}:${reader.timeZone}:${reader.rules}`;
}

/** Past this many events since the kept version, the window is rendered anew rather than patched. */
const MAX_PATCHED_EVENTS = 64;

/**
 * The window at `version`, kept or patched from the kept one (and kept again); undefined: render
 * it (keepWindow). Runs in the snapshot `tx` the page reads the thread's version in.
 */
export async function keptWindow(
  tx: Db,
  lines: LinesCache,
  key: string,
  version: WindowVersion,
  reader: { ctx: LineContext; conversions: TextCache; variant: Variant | undefined },
): Promise<RenderedLines | undefined> {
  const kept = lines.get(key);
  const at = kept?.layout?.seq;
  if (!kept || at === undefined || at > version.seq) return undefined;
  if (at === version.seq) return kept;
  if (version.seq - at > MAX_PATCHED_EVENTS) return undefined;
  const changes = await changesBetween(tx, version, at, reader);
  const patched = changes && patchWindow(reader.ctx, kept, changes, version.seq);
  if (!patched) return undefined;
  lines.set(key, patched);
  lines.patched++;
  return patched;
}

/** Keeps a window rendered in full, unless a request has kept a later version of it meanwhile. */
export function keepWindow(lines: LinesCache, key: string, rendered: RenderedLines): void {
  const now = lines.peek(key)?.layout?.seq;
  if (now === undefined || rendered.layout === undefined || now <= rendered.layout.seq) lines.set(key, rendered);
}

/**
 * What changed in the thread after seq `after` up to the version, as the window's readers see the
 * posts now; undefined when a change is one a patch does not make (a deletion, a restoration).
 * A change to the thread's own state (lock, pin, feature, slow mode) changes no line.
 */
async function changesBetween(
  tx: Db,
  version: WindowVersion,
  after: number,
  reader: { conversions: TextCache; variant: Variant | undefined },
): Promise<WindowChange[] | undefined> {
  const events = await findEventsBetween(tx, version.threadId, after, version.seq);
  if (events.length !== version.seq - after) return undefined;
  const posts = events.filter((e) => e.kind.startsWith('post:'));
  if (posts.some((e) => e.kind !== 'post:new' && e.kind !== 'post:edit')) return undefined;
  const rows = await findLines(tx, [...new Set(posts.map((e) => e.post_id))]);
  const visible = version.seesDeleted ? (p: ReturnType<typeof toPost>) => p : tombstone;
  const shown = localizedTitles(
    reader.conversions,
    rows.map((r) => visible(toPost(r))),
    reader.variant,
  );
  const byId = new Map(shown.map((p, i) => [p.id, { post: p, path: rows[i]!.key }]));
  const changes: WindowChange[] = [];
  for (const e of posts) {
    const found = byId.get(e.post_id);
    if (!found) return undefined;
    changes.push({ kind: e.kind === 'post:new' ? 'new' : 'edit', ...found });
  }
  return changes;
}
