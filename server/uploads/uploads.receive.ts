/**
 * Reading an upload's multipart/form-data body, with busboy: a streaming parser, so a file is
 * counted as it arrives and one bigger than the member's limit stops being kept at the limit (the
 * rest is read and dropped, never buffered), and a request that says up front it is far too big is
 * refused before its body is read at all.
 *
 * The file goes to a temporary file as it arrives (uploadTempDir), never into one buffer in this
 * process: a 4 MB photo held in memory cost the event loop its copies and the garbage collections
 * they set off, and by path the image is read by whoever makes it (libvips, in the image worker
 * process or on the thread pool) without passing through the event loop (docs/performance.md,
 * "Uploads"). The caller removes the file once done with it (removeUpload).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable, type Writable, pipeline } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, validationFailed } from '../errors';

/** What an upload form sends: the file, and the alt text for the snippet to paste. */
export interface ReceivedUpload {
  /** Where the file's bytes are, whole: a temporary file the caller removes (removeUpload). */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  alt: string;
}

let tempDir: string | undefined;

/** The start of every upload folder's name; the process id that made it follows (uploadTempDir). */
const TEMP_PREFIX = 'gentie-uploads-';

/**
 * This process's folder for uploads being received, made on first use in the system's temporary
 * folder (TMPDIR) and removed when the process exits. Files live there only while their request
 * is answered. Its name carries the process id (gentie-uploads-<pid>-<random>), so that a folder
 * left by a process that was killed can be told from one still in use (removeStaleUploadDirs).
 */
export function uploadTempDir(): string {
  if (!tempDir) {
    tempDir = mkdtempSync(path.join(tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
    const made = tempDir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return tempDir;
}

const STALE_NAME = new RegExp(`^${TEMP_PREFIX}(\\d+)-`);

/** Whether a process with this id exists (signal 0 asks without sending anything). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the upload folders that processes killed before they could remove their own left in
 * `dir` (the system's temporary folder by default): on exit a process removes its folder, but a
 * SIGKILL or a crash of the machine leaves it, with whatever files were being received. Only
 * folders named by uploadTempDir, owned by this process's user, older than this process, and whose
 * process is no longer running are removed: another server's folder on the same machine stays.
 * Answers the names removed. Called once at start (server/main.ts).
 */
export async function removeStaleUploadDirs(dir = tmpdir()): Promise<string[]> {
  const started = Date.now() - process.uptime() * 1000;
  const uid = process.getuid?.();
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(STALE_NAME.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || running(pid)) continue;
    const full = path.join(dir, name);
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid) || info.mtimeMs >= started) continue;
    await rm(full, { recursive: true, force: true }).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

/** Removes a received file (nothing happens when it is gone already). */
export const removeUpload = (file: string): Promise<void> => rm(file, { force: true });

/** Longest alt text kept (characters). */
export const ALT_MAX = 200;

/** A multipart body's own overhead (boundaries, part headers, the alt field) beyond the file. */
const ENVELOPE_BYTES = 64 * 1024;

/** How much more than its limit a body may announce and still be read to the end (then refused). */
const DRAIN_BYTES = 8 * 1024 * 1024;

const tooLarge = (limit: number, newMember: boolean) =>
  new AppError(413, 'ImageTooLarge', `The image is larger than ${limit} bytes.`, { params: { limit, newMember } });

/**
 * Reads the `file` part (and `alt`) of a multipart request, keeping at most `limit` bytes of the
 * file. Throws 415 for a body that is not multipart, 413 ImageTooLarge for a file over the limit,
 * 400 for a malformed or aborted body, ValidationFailed when no file was sent.
 */
export function receiveUpload(req: Request, limit: number, newMember: boolean): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(
      new AppError(415, 'UnsupportedMediaType', 'Send the image as multipart/form-data, in a part named "file".', {
        params: { expected: 'multipart' },
      }),
    );
  }
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (announced > limit + ENVELOPE_BYTES + DRAIN_BYTES) {
    // Far too big to read just to refuse it: answered now, and the connection is closed after
    // the answer rather than reading the rest.
    req.res?.set('Connection', 'close');
    return Promise.reject(tooLarge(limit, newMember));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: limit, files: 1, fields: 4, fieldSize: 4 * ALT_MAX, parts: 6, headerPairs: 20 },
        defParamCharset: 'utf8',
      });
    } catch {
      return reject(new AppError(400, 'BadRequest', 'The multipart body has no boundary.'));
    }
    let file: string | undefined;
    let written: Promise<void> | undefined;
    let size = 0;
    let found = false;
    let over = false;
    let alt = '';
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      // Removed once its writes are over (an open still under way would make the file again),
      // and only then answered.
      const gone = file;
      if (!gone) return reject(error);
      void (written ?? Promise.resolve())
        .then(undefined, () => undefined)
        .then(() => removeUpload(gone))
        .finally(() => reject(error));
    };
    parser.on('file', (name, stream) => {
      if (name !== 'file' || found) return void stream.resume();
      found = true;
      file = path.join(uploadTempDir(), randomBytes(12).toString('hex'));
      const target = file;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      // Past the limit busboy stops handing over data and drops the rest as it streams by.
      stream.on('limit', () => {
        over = true;
      });
      // Written as it arrives, with the writes' own backpressure (fs writes run on the thread pool).
      written = new Promise((done, failed) => pipeline(stream, createWriteStream(target), (e) => (e ? failed(e) : done())));
      written.catch(() => undefined);
    });
    parser.on('field', (name, value) => {
      if (name === 'alt') alt = value.slice(0, ALT_MAX);
    });
    parser.on('error', () => {
      req.removeAllListeners('data');
      req.resume();
      fail(new AppError(400, 'BadRequest', 'The multipart body is malformed or was cut off.'));
    });
    parser.on('close', () => {
      if (over) return fail(tooLarge(limit, newMember));
      if (!found || size === 0 || !written || !file)
        return fail(validationFailed('file', { kind: 'required' }, 'file: choose an image to upload.'));
      const done = file;
      written.then(
        () => {
          if (settled) return void removeUpload(done);
          settled = true;
          resolve({ file: done, bytes: size, alt: alt.replace(/\s+/g, ' ').trim() });
        },
        () => fail(new AppError(400, 'BadRequest', 'The multipart body is malformed or was cut off.')),
      );
    });
    // A client that goes away mid-file leaves the parser waiting for an end that never comes.
    req.once('close', () => {
      if (!req.complete) {
        parser.destroy();
        fail(new AppError(400, 'BadRequest', 'The request was aborted.'));
      }
    });
    feedInTurns(req, parser);
  });
}

/**
 * Hands the request's body to the parser one chunk per turn of the event loop, instead of
 * `req.pipe(parser)`. Piped, a socket's data flows straight through: libuv reads up to 32 chunks
 * of 64 KB from a socket in one go, and with twenty uploads arriving at once a single turn parsed
 * and copied tens of megabytes (busboy's boundary search and the copy into the file's buffer)
 * before a timer or another request got its turn: 60–130 ms of main thread at a time (docs/
 * performance.md, "Uploads"). Paused after each chunk, the request stops its socket once its own
 * small buffer is full, and the rest waits in the kernel until the next turn; the parser's own
 * backpressure (write() answering false) is kept too.
 */
export function feedInTurns(req: Readable, parser: Writable): void {
  req.on('data', (chunk: Buffer) => {
    const more = parser.write(chunk);
    req.pause();
    let waits = more ? 1 : 2;
    const go = () => {
      if (--waits === 0) req.resume();
    };
    setImmediate(go);
    if (!more) parser.once('drain', go);
  });
  req.on('end', () => {
    if (!parser.destroyed) parser.end();
  });
}
