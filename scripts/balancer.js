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
    const tryBackend = (left) => {
      if (left === 0) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        return res.end('no backend answers\n');
      }
      const backend = pick();
      const upstream = http.request({ ...backend, method: req.method, path: req.url, headers: forwardHeaders(req, { upgrade: false }).flat() });
      let answered = false;
      upstream.on('response', (up) => {
        answered = true;
        const headers = [];
        for (let i = 0; i < up.rawHeaders.length; i += 2) {
          if (!HOP_BY_HOP.has(up.rawHeaders[i].toLowerCase())) headers.push(up.rawHeaders[i], up.rawHeaders[i + 1]);
        }
        res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
        up.pipe(res);
      });
      upstream.on('error', (err) => {
        // Refused before anything was sent back: the next backend gets the request (bodies are
        // small; a request whose body was already streamed is answered 502 instead).
        if (!answered && err.code === 'ECONNREFUSED' && !req.readableEnded) return tryBackend(left - 1);
        if (!answered && err.code === 'ECONNREFUSED' && req.readableEnded && !res.headersSent) return tryBackend(left - 1);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end();
      });
      req.pipe(upstream);
    };
    tryBackend(backends.length);
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
        const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`, ...forwardHeaders(req, { upgrade: true }).map(([k, v]) => `${k}: ${v}`)];
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
