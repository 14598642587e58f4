/**
 * The uploads bench's client (bench/uploads.ts), run in a worker thread of its own: it sends the
 * multipart bodies and reads the answers, so the megabytes it writes to its sockets, and the
 * garbage they leave, are not counted in the event loop the app runs on (the loop the bench
 * measures). Asked with the indexes of the bodies to send at once, it answers with each upload's
 * time end to end, status and answer.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** What the bench hands the worker once. */
export interface ClientData {
  baseUrl: string;
  boundary: string;
  /** One session cookie per member. */
  cookies: string[];
  /** The multipart bodies, one per photo. */
  bodies: Uint8Array[];
}

/** One upload's outcome. */
export interface Uploaded {
  ms: number;
  status: number;
  body: string;
}

const data = workerData as ClientData;

/** One upload, end to end (the body sent in one write, the answer read). */
function uploadOnce(cookie: string, body: Uint8Array): Promise<Uploaded> {
  const url = new URL(`${data.baseUrl}/api/uploads`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${data.boundary}`, 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ ms: performance.now() - started, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

parentPort?.on('message', (which: number[]) => {
  void Promise.all(which.map((i) => uploadOnce(data.cookies[i]!, data.bodies[i]!))).then(
    (results) => parentPort?.postMessage({ results }),
    (error: unknown) => parentPort?.postMessage({ error: String(error) }),
  );
});
