// A minimal round-robin HTTP load balancer, for trying several Gentie processes on one machine:
//   node scripts/balancer.js 8080 127.0.0.1:3001 127.0.0.1:3002
// and start each process with TRUST_PROXY=loopback. Each request (and each WebSocket upgrade) goes
// to the next backend that accepts the connection; a dead one is skipped. As the edge proxy it
// sets X-Forwarded-For to the client's own address (never trusting one the client sent) and
// X-Forwarded-Proto/-Host to what the client asked for. Gentie's browser module uses WebSocket
// only, so a reader stays on one connection and needs no sticky sessions; HTTP requests may land
// anywhere, since all state is in PostgreSQL. In production use nginx or HAProxy the same way
// (docs/deployment.md); this file shows the setup and the tests use it.
'use strict';
const http = require('node:http');
const net = require('node:net');

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
/** Largest request body passed on. */
const MAX_BODY = 1024 * 1024;
const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']);

/** The request's headers as raw pairs, without hop-by-hop and client-sent forwarding headers, plus ours. */
function forwardHeaders(req, { upgrade }) {
  const out = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const lower = name.toLowerCase();
    if (FORWARDED.has(lower)) continue;
    if (HOP_BY_HOP.has(lower) && !(upgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    out.push([name, req.rawHeaders[i + 1]]);
  }
  out.push(['X-Forwarded-For', req.socket.remoteAddress ?? '']);
  out.push(['X-Forwarded-Proto', 'http']);
  if (req.headers.host) out.push(['X-Forwarded-Host', req.headers.host]);
  return out;
}

/** Starts the balancer on `port` (0: any free one); resolves with the listening server. */
function startBalancer(port, backends, host = '127.0.0.1') {
  let next = 0;
  const pick = () => {
    const [bhost, bport] = backends[next++ % backends.length].split(':');
    return { host: bhost, port: Number(bport) };
  };

  const server = http.createServer((req, res) => {
    // The body is read whole first (Gentie takes at most 256 KB), so a backend that refuses the
    // connection can be skipped and the same request, body and all, sent to the next one.
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request body too large\n');
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => tryBackend(backends.length, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());

    const tryBackend = (left, body) => {
      if (left === 0) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        return res.end('no backend answers\n');
      }
      const headers = forwardHeaders(req, { upgrade: false }).filter(([k]) => k.toLowerCase() !== 'content-length');
      headers.push(['Content-Length', String(body.length)]);
      const upstream = http.request({ ...pick(), method: req.method, path: req.url, headers: headers.flat() });
      let answered = false;
      upstream.on('response', (up) => {
        answered = true;
        const out = [];
        for (let i = 0; i < up.rawHeaders.length; i += 2) {
          if (!HOP_BY_HOP.has(up.rawHeaders[i].toLowerCase())) out.push(up.rawHeaders[i], up.rawHeaders[i + 1]);
        }
        res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
        up.pipe(res);
      });
      upstream.on('error', (err) => {
        // Refused: nothing reached that backend, so the next one gets the request.
        if (!answered && err.code === 'ECONNREFUSED') return tryBackend(left - 1, body);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end();
      });
      upstream.end(body);
    };
  });

  // WebSocket (and any other) upgrades: the request line and headers, then a raw pipe both ways.
  server.on('upgrade', (req, client, head) => {
    client.on('error', () => undefined);
    const tryBackend = (left) => {
      if (left === 0) return client.destroy();
      const backend = pick();
      const upstream = net.connect(backend.port, backend.host);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        const lines = [
          `${req.method} ${req.url} HTTP/${req.httpVersion}`,
          ...forwardHeaders(req, { upgrade: true }).map(([k, v]) => `${k}: ${v}`),
        ];
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head?.length) upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => {
        if (!connected) tryBackend(left - 1);
        else client.destroy();
      });
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => connected && client.destroy());
    };
    tryBackend(backends.length);
  });

  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

module.exports = { startBalancer };

if (require.main === module) {
  const [port, ...backends] = process.argv.slice(2);
  if (!port || backends.length === 0) {
    console.error('usage: node scripts/balancer.js <port> <host:port> [<host:port> ...]');
    process.exit(2);
  }
  startBalancer(Number(port), backends).then((server) => {
    console.log(`balancing 127.0.0.1:${server.address().port} over ${backends.join(', ')} (start each with TRUST_PROXY=loopback)`);
  });
}
