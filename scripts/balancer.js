// A minimal round-robin TCP load balancer, for trying several Gentie processes on one machine:
//   node scripts/balancer.js 8080 127.0.0.1:3001 127.0.0.1:3002
// Each connection goes to the next backend that accepts it (a dead one is skipped). Gentie's
// browser module uses WebSocket only, so a reader stays on one connection and needs no sticky
// sessions; HTTP requests may land anywhere, since all state is in PostgreSQL. In production use
// nginx or HAProxy the same way (docs/deployment.md); this file shows the setup and the tests use it.
'use strict';
const net = require('node:net');

/** Starts the balancer on `port` (0: any free one); resolves with the listening server. */
function startBalancer(port, backends, host = '127.0.0.1') {
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    client.on('error', () => undefined);
    const tryBackend = (left) => {
      if (left === 0) return client.destroy();
      const [bhost, bport] = backends[next++ % backends.length].split(':');
      const upstream = net.connect(Number(bport), bhost);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        client.pipe(upstream).pipe(client);
        client.resume();
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
    console.log(`balancing 127.0.0.1:${server.address().port} over ${backends.join(', ')}`);
  });
}
