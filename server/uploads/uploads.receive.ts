/**
 * Reading an upload's multipart/form-data body. The event loop writes the raw body to a temporary
 * file as it arrives (receiveBody: counted as it comes, nothing kept past the member's limit and
 * the envelope, the rest read and dropped), and a request that says up front it is far too big is
 * refused before its body is read at all. The multipart is then parsed from that file with busboy
 * (parseUpload), a streaming parser, by the image worker in its own process when the server has
 * one (uploads.worker.ts), else in the server: parsed on the event loop as it arrived, it cost the
 * main thread ~76 ms of CPU per 4 MB photo, most of what an upload spent there (docs/
 * performance.md, "Uploads").
 *
 * Nothing is held in one buffer in this process: a 4 MB photo held in memory cost the event loop
 * its copies and the garbage collections they set off, and by path the image is read by whoever
 * makes it (libvips, in the image worker process or on the thread pool) without passing through
 * the event loop. The caller removes the file part's file once done with it (removeUpload); the
 * raw body's is removed once parsed.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable, type Writable, finished, pipeline } from 'node:stream';
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
const malformed = () => new AppError(400, 'BadRequest', 'The multipart body is malformed or was cut off.');

/** A request's body as it arrived, whole, in a temporary file: not parsed yet. */
export interface ReceivedBody {
  /** The temporary file (uploadTempDir). */
  file: string;
  /** The request's Content-Type (multipart/form-data with its boundary). */
  contentType: string;
}

/** What parses a received body elsewhere than on the event loop: the image worker (uploads.worker.ts). */
export interface BodyParser {
  /**
   * Parses `body` as parseUpload does, the file part written to `target`; a 4xx AppError for a
   * body refused; undefined when it could not (then the caller parses it itself).
   */
  parse(body: ReceivedBody, target: string, limit: number, newMember: boolean): Promise<ReceivedUpload | undefined>;
}

/**
 * Reads the `file` part (and `alt`) of a multipart request, keeping at most `limit` bytes of the
 * file. Throws 415 for a body that is not multipart, 413 ImageTooLarge for a file over the limit,
 * 400 for a malformed or aborted body, ValidationFailed when no file was sent.
 *
 * The event loop only writes the raw body to a temporary file as it arrives (receiveBody); the
 * multipart is parsed from that file by `parser` (the image worker, in its own process) when there
 * is one and it answers, else here (parseUpload). Parsing it here with busboy as it arrived cost
 * the main thread about as much as everything else an upload does on it (docs/performance.md,
 * "Uploads").
 */
export async function receiveUpload(req: Request, limit: number, newMember: boolean, parser?: BodyParser): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data')) {
    throw new AppError(415, 'UnsupportedMediaType', 'Send the image as multipart/form-data, in a part named "file".', {
      params: { expected: 'multipart' },
    });
  }
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (announced > limit + ENVELOPE_BYTES + DRAIN_BYTES) {
    // Far too big to read just to refuse it: answered now, and the connection is closed after
    // the answer rather than reading the rest.
    req.res?.set('Connection', 'close');
    throw tooLarge(limit, newMember);
  }
  const contentType = req.headers['content-type'] ?? '';
  // Without a boundary there is nothing to parse: refused before the body is read.
  if (!hasBoundary(contentType)) throw new AppError(400, 'BadRequest', 'The multipart body has no boundary.');
  // A body over the file's limit and the envelope's has a file over the limit.
  const body: ReceivedBody = { file: await receiveBody(req, limit + ENVELOPE_BYTES, () => tooLarge(limit, newMember)), contentType };
  const byWorker = `${body.file}.w`;
  try {
    const parsed = await parser?.parse(body, byWorker, limit, newMember);
    if (parsed) return parsed;
    // Left by a worker that ended mid-parse.
    if (parser) await removeUpload(byWorker);
    return await parseUpload(body, `${body.file}.p`, limit, newMember);
  } finally {
    await removeUpload(body.file);
  }
}

/** Whether busboy finds a boundary in a Content-Type (it throws when there is none). */
function hasBoundary(contentType: string): boolean {
  try {
    busboy({ headers: { 'content-type': contentType } });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a request's body to a new temporary file as it arrives and answers its path: no parsing,
 * each chunk handed to the file as it came (fs writes run on libuv's pool; the request is paused
 * while the file's buffer is full). Past `cap` bytes nothing more is written, the rest is read and
 * dropped, and `over()` is thrown once the body ended; 400 when the client goes away mid-body.
 */
export function receiveBody(req: Readable & { complete?: boolean }, cap: number, over: () => AppError): Promise<string> {
  const file = path.join(uploadTempDir(), randomBytes(12).toString('hex'));
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    const closed = new Promise<void>((done) => out.once('close', done));
    let size = 0;
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      out.destroy();
      // Removed once it is closed (an open still under way would make the file again), then answered.
      void closed.then(() => removeUpload(file)).finally(() => reject(error));
    };
    out.on('error', () => fail(malformed()));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap || settled) return;
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (size > cap) return fail(over());
      out.end();
      void closed.then(() => {
        if (settled) return;
        settled = true;
        resolve(file);
      });
    });
    // A client that goes away mid-body never ends it.
    req.once('close', () => {
      if (req.complete === false) fail(new AppError(400, 'BadRequest', 'The request was aborted.'));
    });
  });
}

/**
 * Parses a received multipart body (receiveBody) with busboy: the first part named `file` written
 * to `target`, at most `limit` bytes of it, and the `alt` field. Throws 413 ImageTooLarge for a
 * file over the limit, 400 for a malformed or cut-off body, ValidationFailed when no file was
 * sent; `target` is removed whenever it throws. Runs in the image worker, or in the server when
 * there is none.
 *
 * `whole` (the worker): the body read, and the file part written, each in one blocking call
 * instead of 64 KB at a time. In the worker, a process at nice +10, each chunk's trip through
 * libuv's pool and back waited for a core: on a loaded machine a 4 MB body parsed in chunks took
 * seconds (docs/performance.md, "Uploads"). Its event loop has nothing else to do meanwhile but
 * answer the server. In the server, streamed in chunks, one per turn (feedInTurns): its event loop
 * must stay free, and nothing the size of the body is held at once.
 */
export function parseUpload(body: ReceivedBody, target: string, limit: number, newMember: boolean, whole = false): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': body.contentType },
        limits: { fileSize: limit, files: 1, fields: 4, fieldSize: 4 * ALT_MAX, parts: 6, headerPairs: 20 },
        defParamCharset: 'utf8',
      });
    } catch {
      return reject(new AppError(400, 'BadRequest', 'The multipart body has no boundary.'));
    }
    const source = whole ? undefined : createReadStream(body.file);
    let written: Promise<void> | undefined;
    let size = 0;
    let found = false;
    let over = false;
    let alt = '';
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      source?.destroy();
      // Removed once its writes are over (an open still under way would make the file again),
      // and only then answered.
      if (!written) return reject(error);
      void written
        .then(undefined, () => undefined)
        .then(() => removeUpload(target))
        .finally(() => reject(error));
    };
    parser.on('file', (name, stream) => {
      if (name !== 'file' || found) return void stream.resume();
      found = true;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      // Past the limit busboy stops handing over data and drops the rest as it streams by.
      stream.on('limit', () => {
        over = true;
      });
      if (whole) {
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => parts.push(chunk));
        written = new Promise((done, failed) =>
          finished(stream, (error) => {
            if (error) return failed(error);
            try {
              if (!over) writeFileSync(target, Buffer.concat(parts));
              done();
            } catch (error) {
              failed(error instanceof Error ? error : new Error(String(error)));
            }
          }),
        );
      } else {
        // Written as it is parsed, with the writes' own backpressure.
        written = new Promise((done, failed) => pipeline(stream, createWriteStream(target), (e) => (e ? failed(e) : done())));
      }
      written.catch(() => undefined);
    });
    parser.on('field', (name, value) => {
      if (name === 'alt') alt = value.slice(0, ALT_MAX);
    });
    parser.on('error', () => fail(malformed()));
    source?.on('error', () => fail(malformed()));
    parser.on('close', () => {
      if (over) return fail(tooLarge(limit, newMember));
      if (!found || size === 0 || !written) return fail(validationFailed('file', { kind: 'required' }, 'file: choose an image to upload.'));
      written.then(
        () => {
          if (settled) return void removeUpload(target);
          settled = true;
          resolve({ file: target, bytes: size, alt: alt.replace(/\s+/g, ' ').trim() });
        },
        () => fail(malformed()),
      );
    });
    if (source) return feedInTurns(source, parser);
    let data: Buffer;
    try {
      data = readFileSync(body.file);
    } catch {
      return fail(malformed());
    }
    parser.end(data);
  });
}

/**
 * Hands a body to the parser one chunk per turn of the event loop, instead of `pipe`. Piped, a
 * socket's data flows straight through: libuv reads up to 32 chunks of 64 KB from a socket in one
 * go, and with twenty uploads arriving at once a single turn parsed and copied tens of megabytes
 * (busboy's boundary search and the copy into the file's buffer) before a timer or another request
 * got its turn: 60–130 ms of main thread at a time (docs/performance.md, "Uploads"). Bodies are now
 * parsed from their file (parseUpload), whose reads come a chunk at a time anyway; in the server
 * (no image worker) this still keeps one parse from taking two chunks in a turn. Paused after each
 * chunk; the parser's own backpressure (write() answering false) is kept too.
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
