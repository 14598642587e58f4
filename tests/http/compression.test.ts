import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { TestApp } from '../helpers/app';
import { createReply, createThread, startBoardApp } from '../factories';

let app: TestApp;
let threadId: string;

beforeAll(async () => {
  let board;
  ({ app, board } = await startBoardApp());
  const root = await createThread(app.db, { board, title: '壓縮測試', body: '<p>主帖正文，足夠長的一段話。</p>' });
  for (let i = 0; i < 30; i++) await createReply(app.db, root.id, { title: `第${i}條跟帖：說得對` });
  threadId = root.id;
});
afterAll(() => app.close());

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request over plain node:http: nothing decodes the body, so the bytes are as sent. */
function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(app.baseUrl + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const varies = (r: RawReply) =>
  String(r.headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase());

describe('compressed answers', () => {
  it('sends a thread page with brotli and gzip that decode to the same page as the plain one', async () => {
    const plain = await raw('GET', `/t/${threadId}`);
    const br = await raw('GET', `/t/${threadId}`, { 'accept-encoding': 'br' });
    const gzip = await raw('GET', `/t/${threadId}`, { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toContain('第29條跟帖：說得對');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString());
    expect(gunzipSync(gzip.body).toString()).toBe(plain.body.toString());
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    for (const r of [plain, br, gzip]) expect(varies(r)).toEqual(expect.arrayContaining(['accept-encoding', 'cookie']));
  });

  it('prefers brotli when a browser takes both', async () => {
    const r = await raw('GET', `/t/${threadId}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(r.headers['content-encoding']).toBe('br');
  });

  it('sends the page as it is without Accept-Encoding, or when only identity is acceptable', async () => {
    for (const headers of [{} as Record<string, string>, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }]) {
      const r = await raw('GET', `/t/${threadId}`, headers);
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.body.toString()).toContain('壓縮測試');
    }
  });

  it('compresses the JSON of a thread the same way', async () => {
    const plain = await raw('GET', `/api/posts/${threadId}`);
    const br = await raw('GET', `/api/posts/${threadId}`, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(JSON.parse(plain.body.toString()));
  });

  it('leaves tiny answers uncompressed', async () => {
    const r = await raw('GET', '/healthz', { 'accept-encoding': 'br, gzip' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBeLessThan(1024);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(r.body.toString())).toMatchObject({ status: 'ok' });
  });

  it('compresses the stylesheet', async () => {
    const page = (await raw('GET', '/')).body.toString();
    const css = /href="(\/static\/style\.[^"]+\.css)"/.exec(page)?.[1];
    expect(css).toBeDefined();
    const plain = await raw('GET', css!);
    const gzip = await raw('GET', css!, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await raw('HEAD', `/t/${threadId}`, { 'accept-encoding': 'br' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.headers['content-type']).toMatch(/text\/html/);
  });
});
