import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';

/**
 * Conditional GET for answers whose version the application knows before it does the work (a
 * thread page: its thread's seq and who reads it). Express's own ETag, a hash of the whole body,
 * stays off (app.ts): it would cost the rendering a 304 is there to save.
 *
 * The tag is weak (W/"…"): it names the page's content, not its bytes, so the gzip, brotli and
 * plain answers share it. It is a digest of the parts the caller gives (never the parts
 * themselves: they hold a member's id and counts) and of the code that renders them (RELEASE).
 *
 * Caching: an answer with a tag may be kept by the browser but never used without asking first
 * (no-cache), so a 304 is possible. A member's answer stays private (no shared cache keeps it);
 * it is no longer no-store, which the rest of a member's pages keep (caching.ts): the tag holds
 * the member's id, so a browser that asks again with another person's cookie (or none) gets a
 * different tag, never a 304 for the first person's page; and logging out clears what the
 * browser kept (Clear-Site-Data in the logout answer), so a person who sits down at the same
 * computer after them cannot step back into their pages.
 */

/** What a tag is made of: a request's facts as the caller reads them (undefined and null are kept apart). */
export type TagPart = string | number | boolean | null | undefined;

/**
 * Sets the answer's ETag and caching headers, and answers `304 Not Modified` (no body) when the
 * request's If-None-Match names that tag. True when it answered: the caller does nothing more.
 * Unknown or malformed If-None-Match values simply do not match (a full answer follows).
 */
export function answeredUnchanged(req: Request, res: Response, parts: readonly TagPart[]): boolean {
  return answeredUnchangedTag(req, res, entityTag(parts));
}

/** answeredUnchanged for a tag made before (entityTag): a page kept whole keeps its tag. */
export function answeredUnchangedTag(req: Request, res: Response, tag: string): boolean {
  res.set('ETag', tag);
  res.set('Cache-Control', req.member ? 'private, no-cache' : 'no-cache');
  // A 304 carries the Vary of the answer it stands for; compression adds Accept-Encoding only to
  // bodies it compresses.
  res.vary('Cookie');
  res.vary('Accept-Encoding');
  if (!matchesTag(req.headers['if-none-match'], tag)) return false;
  res.status(304).end();
  return true;
}

/**
 * Whether an If-None-Match header names `tag`, by weak comparison (RFC 9110 §13.1.2): `*`, or a
 * list naming the tag with or without W/. Not express's req.fresh: it answers in full to any
 * request with Cache-Control: no-cache, and fetch() adds that header to every request that
 * carries its own If-None-Match, so an API client revalidating with fetch would never get a 304.
 * (A browser's hard reload sends no validator at all.)
 */
export function matchesTag(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = tag.slice(2);
  return header.split(',').some((t) => {
    const given = t.trim();
    return (given.startsWith('W/') ? given.slice(2) : given) === opaque;
  });
}

/**
 * Takes the tag back from an answer that ended as an error (the error handler): an error page
 * never stands for the page that was tagged, and a member's error page is theirs alone again.
 */
export function dropTag(req: Request, res: Response): void {
  res.removeHeader('ETag');
  if (req.member) res.set('Cache-Control', 'private, no-store');
  else res.removeHeader('Cache-Control');
}

/** A weak entity tag for these parts under the running code. */
export function entityTag(parts: readonly TagPart[]): string {
  const hash = createHash('sha1').update(release());
  for (const part of parts) hash.update(`\u0000${part === undefined ? '\u0001' : part === null ? '\u0002' : String(part)}`);
  return `W/"${hash.digest('base64url')}"`;
}

let releaseDigest: string | undefined;

/**
 * The running code and its dependencies, as one digest: the server's own files (views, catalogs,
 * conversion overrides) and the lock file (opencc-js's dictionaries, jieba's). A new deployment
 * changes every tag, so no reader keeps a page rendered by the code before it; processes running
 * the same build agree, so a 304 does not depend on which one answers. Read once per process.
 */
function release(): string {
  if (releaseDigest) return releaseDigest;
  const hash = createHash('sha1');
  const serverDir = path.join(__dirname, '..');
  for (const file of codeFiles(serverDir)) hash.update(path.relative(serverDir, file)).update(readFileSync(file));
  const lock = lockFile(serverDir);
  if (lock) hash.update(readFileSync(lock));
  releaseDigest = hash.digest('base64url');
  return releaseDigest;
}

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(?:js|ts|tsx)$/.test(e.name) && !e.name.endsWith('.map'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** package-lock.json of the project the server runs from (up from server/ or dist/server/), if any. */
function lockFile(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const lock = path.join(dir, 'package-lock.json');
      return existsSync(lock) ? lock : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
