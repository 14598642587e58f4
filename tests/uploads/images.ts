/**
 * Test pictures, made with sharp itself (nothing is downloaded), and a client for multipart
 * uploads: each kind the upload tests send, hostile ones included.
 */
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { HttpClient, Reply } from '../helpers/app';

/** A picture whose left half is red and right half blue: after a turn, where the colours are says which way it went. */
function halves(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (x < width / 2) raw[i] = 220;
      else raw[i + 2] = 220;
    }
  }
  return raw;
}

/** The text put in the test photo's EXIF beside its GPS position (looked for in what is stored). */
export const EXIF_MARKER = 'gentie-test-camera';

/**
 * A landscape JPEG (width > height) as a phone writes a portrait photo: pixels sideways and EXIF
 * orientation 6 (turn 90° clockwise to show), with a GPS position and a camera name.
 */
export function phoneJpeg(width = 600, height = 400): Promise<Buffer> {
  return (
    sharp(halves(width, height), { raw: { width, height, channels: 3 } })
      .withExif({
        IFD0: { Make: EXIF_MARKER },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 0/1' },
      })
      // With an ICC profile too (withMetadata adds sRGB's): it must go as well.
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 90 })
      .toBuffer()
  );
}

/** A noisy JPEG of about `width`×`height` (noise keeps it from compressing to nothing). */
export function noisyJpeg(width: number, height: number, quality = 90): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality })
    .toBuffer();
}

export const png = (width = 320, height = 200) =>
  sharp({ create: { width, height, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
    .png()
    .toBuffer();

export const webp = (width = 320, height = 200) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .webp()
    .toBuffer();

/** Three frames of different colours, as one animation. */
async function frames(): Promise<Buffer[]> {
  return Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background } })
        .png()
        .toBuffer(),
    ),
  );
}

export const animatedGif = async () =>
  sharp(await frames(), { join: { animated: true } })
    .gif({ delay: [100, 100, 100], loop: 0 })
    .toBuffer();

export const animatedWebp = async () =>
  sharp(await frames(), { join: { animated: true } })
    .webp({ delay: [100, 100, 100], loop: 0 })
    .toBuffer();

/**
 * A decompression bomb: a PNG whose header says 100,000 × 100,000 pixels (ten billion; 10 GB
 * decoded), a few hundred bytes long. Its data is one row of a real deflate stream: a decoder that
 * believed the header would allocate first and find out later.
 */
export function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const side = 100_000;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(side + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The start of an HEIC photo (an ISO media file of brand heic): what an iPhone sends. */
export function heicLike(): Buffer {
  const ftyp = Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1');
  return Buffer.concat([ftyp, Buffer.alloc(2000, 7)]);
}

/** Parsed JSON of a reply, or undefined. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends `data` as the `file` of a multipart form (with `alt` when given) from `client` (its
 * cookies), to /api/uploads or another path.
 */
export async function upload(
  client: HttpClient,
  data: Buffer,
  options: { name?: string; type?: string; alt?: string; path?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const form = new FormData();
  form.set('file', new Blob([data], { type: options.type ?? 'image/jpeg' }), options.name ?? 'photo.jpg');
  if (options.alt !== undefined) form.set('alt', options.alt);
  const headers: Record<string, string> = { ...options.headers };
  if (client.cookies.size) headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(client.baseUrl + (options.path ?? '/api/uploads'), { method: 'POST', body: form, headers, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: parse(text) };
}

/** GETs an image's bytes (with any headers), as a browser would. */
export async function fetchImage(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}
