import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { bornWithPrototypes } from '../../server/http/born';

/**
 * Requests born with express's prototypes (server/http/born.ts): express's methods work on them
 * as on any request, and every request shares the same hidden classes, where express's
 * setPrototypeOf gives each one classes of its own (made in the old generation: the garbage the
 * full collections were busy with).
 */

/** Serves `app` on a server made with `options`, asks each path once, and closes it. */
async function ask(app: express.Express, options: http.ServerOptions, paths: string[]): Promise<string[]> {
  const server = http.createServer(options, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const bodies: string[] = [];
    for (const p of paths) bodies.push(await (await fetch(`http://127.0.0.1:${port}${p}`, { headers: { 'X-Probe': 'yes' } })).text());
    return bodies;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('requests born with express prototypes', () => {
  it('are instances of app.request and app.response from the start, with every express method', async () => {
    const app = express();
    const options = bornWithPrototypes(app);
    const bornAs: boolean[] = [];
    app.use((req, res, next) => {
      bornAs.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
      next();
    });
    app.get('/t/:id', (req, res) => {
      res.status(201).json({ id: req.params.id, probe: req.get('x-probe'), app: req.app === app, query: req.query.q });
    });
    const made: boolean[] = [];
    const server = http.createServer(options, (req, res) => {
      // As the server made them, before express touched them.
      made.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
      app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/t/42?q=跟帖`, { headers: { 'X-Probe': 'yes' } });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ id: '42', probe: 'yes', app: true, query: '跟帖' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(made).toEqual([true]);
    expect(bornAs).toEqual([true]);
    // What app.request and app.response carried, they still carry, over express's own prototypes.
    expect((app.request as unknown as { app: unknown }).app).toBe(app);
    expect(Object.getPrototypeOf(app.request)).toBe(Object.getPrototypeOf(express().request));
    expect(Object.getPrototypeOf(app.response)).toBe(Object.getPrototypeOf(express().response));
    expect(app.request).toBeInstanceOf(http.IncomingMessage);
    expect(app.response).toBeInstanceOf(http.ServerResponse);
  });

  it('answers as a plain server does', async () => {
    const make = () => {
      const app = express();
      app.get('/x', (req, res) => res.type('text').send(`${req.path} ${req.get('x-probe')} ${req.hostname}`));
      return app;
    };
    const plain = make();
    const born = make();
    expect(await ask(born, bornWithPrototypes(born), ['/x', '/missing'])).toEqual(await ask(plain, {}, ['/x', '/missing']));
  });

  // V8's own view, in a process of its own (natives syntax): two requests in flight at once,
  // compared at the route after express and three middlewares set their properties.
  const BORN = path.join(__dirname, '..', '..', 'dist', 'server', 'http', 'born.js');
  function sharedClasses(born: boolean): { pairs: number; same: number } {
    const script = `
      const http = require('node:http');
      const express = require(${JSON.stringify(require.resolve('express'))});
      const { bornWithPrototypes } = require(${JSON.stringify(BORN)});
      const app = express();
      const options = ${born ? 'bornWithPrototypes(app)' : '{}'};
      app.use((req, res, next) => { req.id = 'r'; res.log = {}; next(); });
      app.use((req, res, next) => { req.member = null; req.variant = 'zh-tw'; next(); });
      app.use((req, res, next) => { const end = res.end; res.end = function (...a) { return end.apply(this, a); }; next(); });
      let waiting;
      let pairs = 0, same = 0;
      app.get('/p', (req, res) => {
        if (!waiting) { waiting = { req, res }; return; }
        pairs++;
        if (%HaveSameMap(waiting.req, req) && %HaveSameMap(waiting.res, res)) same++;
        waiting.res.end('a'); res.end('b'); waiting = undefined;
      });
      const server = http.createServer(options, app).listen(0, '127.0.0.1', async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
        const get = () => new Promise((resolve) => http.get({ agent, host: '127.0.0.1', port: server.address().port, path: '/p' }, (r) => { r.resume(); r.on('end', resolve); }));
        for (let i = 0; i < 20; i++) await Promise.all([get(), get()]);
        process.stdout.write(JSON.stringify({ pairs, same }));
        process.exit(0);
      });
    `;
    return JSON.parse(execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { cwd: tmpdir(), encoding: 'utf8' }));
  }

  it('share their hidden classes, where express alone makes new ones for every request', () => {
    expect(sharedClasses(true)).toEqual({ pairs: 20, same: 20 });
    // The probe tells them apart: with express's setPrototypeOf, no two requests share. (Should a
    // later V8 keep the classes shared after setPrototypeOf, this fails, and born.ts can go.)
    expect(sharedClasses(false)).toEqual({ pairs: 20, same: 0 });
  });
});
