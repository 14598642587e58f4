/**
 * Turns an uploaded file into the image Gentie stores, with sharp (libvips): the type is read from
 * the bytes (never the name), the image is decoded and encoded again, so what is stored is only
 * pixels: EXIF (GPS, camera, time) and every other metadata are dropped, the orientation the EXIF
 * said is applied to the pixels, the long side is bounded, and a small WebP thumbnail is made for
 * the thread page. Animated GIF and WebP stay animated. Decompression bombs (a small file that
 * decodes to billions of pixels) are refused from the header, before anything is decoded, and by
 * sharp's own limitInputPixels; damaged and truncated files are refused.
 *
 * All of sharp's work runs on libuv's thread pool, off the event loop: a request waits for it,
 * other requests do not.
 */
import { createHash, webcrypto } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { imageWorkStarted } from './uploads.priority';
import type { UploadMime } from '../db/database';
import { AppError } from '../errors';

/** The formats stored, and how each is served. */
export const IMAGE_TYPES = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  png: { mime: 'image/png', ext: 'png' },
  webp: { mime: 'image/webp', ext: 'webp' },
  gif: { mime: 'image/gif', ext: 'gif' },
} as const satisfies Record<string, { mime: UploadMime; ext: string }>;

export type ImageFormat = keyof typeof IMAGE_TYPES;

/** The file extension an image of this type is served under. */
export const extensionOf = (mime: UploadMime): string => Object.values(IMAGE_TYPES).find((t) => t.mime === mime)!.ext;

/** What bounds an upload's processing (settings: uploads.maxPixels, uploads.maxSide). */
export interface ImageLimits {
  /** Most pixels the image may decode to, every frame of an animation counted. */
  maxPixels: number;
  /** Longest side stored. */
  maxSide: number;
}

/** Longest side of a thumbnail, as the thread page shows it. */
export const THUMB_SIDE = 480;

/** Most frames of an animation (each one is decoded and encoded twice). */
const MAX_FRAMES = 500;

/** An image as it is stored: its bytes and their hash, its size, and its thumbnail. */
export interface StoredImage {
  hash: string;
  data: Buffer;
  mime: UploadMime;
  width: number;
  height: number;
  animated: boolean;
  thumb: { hash: string; data: Buffer; width: number; height: number };
}

/**
 * An uploaded file: its bytes, or better the path of a file holding them (uploads.receive.ts): by
 * path libvips reads the file itself, and the bytes never pass through the event loop.
 */
export type ImageInput = Buffer | string;

/** The sha256 of bytes, in hex: the content address. */
export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * The same, hashed on libuv's thread pool (WebCrypto's digest runs there) rather than on the
 * event loop: a stored photo is over a megabyte, a few milliseconds of hashing each, and twenty
 * uploads finishing together would run them back to back between two turns of the loop.
 */
export async function sha256OffThread(data: Buffer): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', data)).toString('hex');
}

const refused = (reason: 'notImage' | 'heic' | 'damaged', message: string, status = 415) =>
  new AppError(status, 'ImageRefused', message, { params: { reason } });

const notAnImage = () => refused('notImage', 'The file is not an image: upload a JPEG, PNG, WebP or GIF picture.');
const damaged = () => refused('damaged', 'The image is damaged or incomplete: upload it again.', 422);
const heic = () =>
  refused('heic', 'HEIC photos cannot be read here: save the photo as JPEG (on a phone, "most compatible") and upload it again.');
const tooManyPixels = (max: number) =>
  new AppError(413, 'ImageRefused', `The image decodes to more than ${max} pixels.`, { params: { reason: 'pixels', max } });

// ISO base media files (HEIF, AVIF, MP4) say what they are in their first box: "ftyp" and a brand.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
async function looksLikeHeic(input: ImageInput): Promise<boolean> {
  let data = input;
  if (typeof input === 'string') {
    const file = await open(input);
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(12), 0, 12, 0);
      data = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }
  const head = data as Buffer;
  return head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp' && HEIC_BRANDS.has(head.toString('latin1', 8, 12));
}

/**
 * Images decoded at once in this process. sharp runs on libuv's thread pool (4 threads by default),
 * which zlib (compressed pages), fs and crypto share: twenty photos uploaded at once would otherwise
 * hold every thread for seconds while pages wait behind them. And each decode keeps libvips busy on
 * `sharp.concurrency()` threads per pipeline (1 with glibc's allocator, the cores elsewhere): decodes
 * at once times that is held to the cores but one, so the event loop (and the garbage collector's
 * helpers, and PostgreSQL) find a core free more often. At least one; at most four. The rest wait
 * their turn here, in order; a lone upload runs as fast as before (its photo and its thumbnail
 * still made at once, each its own pipeline). Measured in docs/performance.md, "Uploads".
 */
export function decodesAtOnce(cores: number, concurrency: number): number {
  return Math.max(1, Math.min(4, Math.floor((cores - 1) / Math.max(1, concurrency))));
}

// Uploads are read by path (uploads.receive.ts), each file once and then removed: libvips' cache
// of operations would only keep removed files open.
sharp.cache({ files: 0 });

const PROCESSING = decodesAtOnce(availableParallelism(), sharp.concurrency());
let processing = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (processing >= PROCESSING) await new Promise<void>((resolve) => waiting.push(resolve));
  else processing++;
  // libvips' threads lowered as they appear, while this image is made (uploads.priority.ts).
  const done = imageWorkStarted();
  try {
    return await work();
  } finally {
    done();
    // The slot passes straight to the next in line (processing stays counted), or is freed.
    const next = waiting.shift();
    if (next) next();
    else processing--;
  }
}

/**
 * Reads, checks and re-encodes an uploaded file; throws a 4xx AppError (ImageRefused) for anything
 * that is not a whole image of an accepted type within the limits. Waits its turn (PROCESSING).
 */
export function processImage(input: ImageInput, limits: ImageLimits): Promise<StoredImage> {
  return inTurn(() => decodeAndEncode(input, limits));
}

/** What an upload's header says, once it passed the checks (inspect). */
interface Inspected {
  format: string;
  animated: boolean;
  out: ImageFormat;
}

/**
 * Reads only an upload's header and refuses what is not an image of an accepted type within the
 * limits: nothing is decoded yet.
 */
async function inspect(input: ImageInput, limits: ImageLimits): Promise<Inspected> {
  let meta: sharp.Metadata;
  try {
    // The header only: nothing is decoded yet.
    meta = await sharp(input, { animated: true, limitInputPixels: false }).metadata();
  } catch {
    throw (await looksLikeHeic(input).catch(() => false)) ? heic() : notAnImage();
  }
  const format = meta.format as string;
  const decodable = format in IMAGE_TYPES || format === 'heif';
  if (!decodable) {
    const shown = String(format).slice(0, 20);
    throw new AppError(415, 'ImageRefused', `${shown.toUpperCase()} images are not taken: upload a JPEG, PNG, WebP or GIF picture.`, {
      params: { reason: 'type', format: shown },
    });
  }
  const pages = Math.max(1, meta.pages ?? 1);
  const frameHeight = meta.pageHeight ?? meta.height ?? 0;
  // A bomb is refused from what its header claims, before a pixel is decoded.
  if ((meta.width ?? 0) * frameHeight * pages > limits.maxPixels || pages > MAX_FRAMES) throw tooManyPixels(limits.maxPixels);
  const animated = pages > 1 && (format === 'gif' || format === 'webp');
  // HEIC (and AVIF) come out as JPEG, when this build of libvips can decode them at all.
  const out: ImageFormat = format === 'heif' ? 'jpeg' : (format as ImageFormat);
  return { format, animated, out };
}

/** A decode or encode that failed, as the member is told it. */
function failed(error: unknown, format: string, limits: ImageLimits): AppError {
  const message = error instanceof Error ? error.message : '';
  if (/pixel limit/i.test(message)) return tooManyPixels(limits.maxPixels);
  if (format === 'heif') return heic();
  return damaged();
}

async function decodeAndEncode(input: ImageInput, limits: ImageLimits): Promise<StoredImage> {
  const { format, animated, out } = await inspect(input, limits);

  // 'error' refuses truncated and damaged data; the pickier 'warning' (sharp's default) would
  // refuse phone photos with harmless quirks in their markers. limitInputPixels is the same bound
  // again, enforced by libvips on what it actually decodes. Orientation: the pixels turned as EXIF
  // says (animations carry no EXIF orientation). One instance per output, not clone(): sharp's
  // clone() structuredClones its options, input buffer included, on the event loop (50–90 ms for
  // a 4 MB photo).
  const open = () => {
    const source = sharp(input, { animated, failOn: 'error', limitInputPixels: limits.maxPixels });
    return animated ? source : source.autoOrient();
  };
  const main = open().resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true });
  // No withMetadata/keepMetadata: sharp writes no EXIF, XMP, IPTC or ICC, and converts to sRGB.
  switch (out) {
    case 'jpeg':
      main.jpeg({ quality: 82 });
      break;
    case 'png':
      main.png({ compressionLevel: 6 });
      break;
    case 'webp':
      main.webp({ quality: 80, effort: 2 });
      break;
    case 'gif':
      main.gif();
      break;
  }
  const thumb = open()
    .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75, effort: 2 });
  let made: [sharp.OutputInfo & { data: Buffer }, sharp.OutputInfo & { data: Buffer }];
  try {
    // Both on the thread pool at once: the thumbnail decodes on its own (JPEG shrinks on load).
    made = await Promise.all([
      main.toBuffer({ resolveWithObject: true }).then(({ data, info }) => ({ ...info, data })),
      thumb.toBuffer({ resolveWithObject: true }).then(({ data, info }) => ({ ...info, data })),
    ]);
  } catch (error) {
    throw failed(error, format, limits);
  }
  const [image, small] = made;
  const [hash, thumbHash] = await Promise.all([sha256OffThread(image.data), sha256OffThread(small.data)]);
  return {
    hash,
    data: image.data,
    mime: IMAGE_TYPES[out].mime,
    width: image.width,
    // An animation's frames are stacked: its height is one frame's.
    height: image.pageHeight ?? image.height,
    animated,
    thumb: { hash: thumbHash, data: small.data, width: small.width, height: small.pageHeight ?? small.height },
  };
}

/** The sides of the squares an avatar is stored in, largest first: the upload itself, then its smaller sizes. */
export const AVATAR_SIZES = [256, 128, 64, 32] as const;
export type AvatarSize = (typeof AVATAR_SIZES)[number];

/** An avatar as it is stored: a WebP square per size, each with its hash. */
export interface StoredAvatar {
  sizes: { size: AvatarSize; hash: string; data: Buffer }[];
}

/**
 * Makes an uploaded picture an avatar: checked as any upload is (inspect), turned as its EXIF
 * says, cropped to a square around its most interesting part (libvips' "attention": skin tones,
 * saturated colour, edges) and scaled to each of AVATAR_SIZES, as WebP. An animation keeps its
 * first frame: an avatar moving beside every thread would be noise. Waits its turn (PROCESSING).
 */
export function processAvatar(input: ImageInput, limits: ImageLimits): Promise<StoredAvatar> {
  return inTurn(async () => {
    const { format } = await inspect(input, limits);
    let largest: Buffer;
    try {
      largest = await sharp(input, { failOn: 'error', limitInputPixels: limits.maxPixels })
        .autoOrient()
        .resize({ width: AVATAR_SIZES[0], height: AVATAR_SIZES[0], fit: 'cover', position: sharp.strategy.attention })
        .webp({ quality: 85, effort: 2 })
        .toBuffer();
    } catch (error) {
      throw failed(error, format, limits);
    }
    // The smaller squares from the largest: 256 pixels decode in well under a millisecond.
    const smaller = await Promise.all(
      AVATAR_SIZES.slice(1).map(async (size) => ({
        size,
        data: await sharp(largest).resize({ width: size, height: size }).webp({ quality: 85, effort: 2 }).toBuffer(),
      })),
    );
    return { sizes: [{ size: AVATAR_SIZES[0], data: largest }, ...smaller].map((s) => ({ ...s, hash: sha256(s.data) })) };
  });
}
