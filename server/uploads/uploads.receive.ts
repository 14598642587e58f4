/**
 * Reading an upload's multipart/form-data body, with busboy: a streaming parser, so a file is
 * counted as it arrives and one bigger than the member's limit stops being kept at the limit (the
 * rest is read and dropped, never buffered), and a request that says up front it is far too big is
 * refused before its body is read at all.
 */
import type { Readable, Writable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, validationFailed } from '../errors';

/** What an upload form sends: the file, and the alt text for the snippet to paste. */
export interface ReceivedUpload {
  file: Buffer;
  alt: string;
}

/** Longest alt text kept (characters). */
export const ALT_MAX = 200;

/** A multipart body's own overhead (boundaries, part headers, the alt field) beyond the file. */
const ENVELOPE_BYTES = 64 * 1024;

/** The most memory set aside for a file before its bytes arrive. */
const PREALLOCATE_BYTES = 6 * 1024 * 1024;

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
    // The file is copied into one buffer as it arrives, sized from the request's length when it
    // says one (bounded by the limit, and by PREALLOCATE_BYTES: a client that announces a big
    // file and sends it slowly holds no more than that), so most uploads are copied once.
    const file = new Collector(Math.min(limit, PREALLOCATE_BYTES, Number.isFinite(announced) ? announced : 0));
    let found = false;
    let over = false;
    let alt = '';
    parser.on('file', (name, stream) => {
      if (name !== 'file' || found) return void stream.resume();
      found = true;
      stream.on('data', (chunk: Buffer) => {
        if (!over) file.add(chunk);
      });
      // Past the limit busboy stops handing over data and drops the rest as it streams by.
      stream.on('limit', () => {
        over = true;
        file.drop();
      });
    });
    parser.on('field', (name, value) => {
      if (name === 'alt') alt = value.slice(0, ALT_MAX);
    });
    parser.on('error', () => {
      req.removeAllListeners('data');
      req.resume();
      reject(new AppError(400, 'BadRequest', 'The multipart body is malformed or was cut off.'));
    });
    parser.on('close', () => {
      if (over) return reject(tooLarge(limit, newMember));
      if (!found || file.size === 0) return reject(validationFailed('file', { kind: 'required' }, 'file: choose an image to upload.'));
      resolve({ file: file.bytes(), alt: alt.replace(/\s+/g, ' ').trim() });
    });
    // A client that goes away mid-file leaves the parser waiting for an end that never comes.
    req.once('close', () => {
      if (!req.complete) reject(new AppError(400, 'BadRequest', 'The request was aborted.'));
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

/** Bytes gathered into one buffer, grown by doubling when the expected size was short. */
class Collector {
  private buffer: Buffer;
  size = 0;
  constructor(expected: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(expected, 64 * 1024));
  }
  add(chunk: Buffer): void {
    if (this.size + chunk.length > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.size + chunk.length));
      this.buffer.copy(bigger, 0, 0, this.size);
      this.buffer = bigger;
    }
    chunk.copy(this.buffer, this.size);
    this.size += chunk.length;
  }
  drop(): void {
    this.buffer = Buffer.alloc(0);
    this.size = 0;
  }
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size);
  }
}
