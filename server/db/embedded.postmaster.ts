import { spawn } from 'node:child_process';
import { promises as fs, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Account, Binaries, Credentials } from './embedded.install';
import { EmbeddedError, freePort, isAlive, isPostgres, sleep } from './embedded.process';

/** The postmaster of a cluster: finding the one running, starting one, stopping it, asking whether it answers. */

/**
 * The postmaster named in the cluster's postmaster.pid, and whether it still runs. PostgreSQL
 * removes the file on every orderly shutdown (pg_ctl stop in any mode, SIGTERM, SIGINT, SIGQUIT), so
 * a file naming a dead process means the postmaster crashed (kill -9, the OOM killer).
 */
export function readPostmaster(clusterDir: string): { pid: number; port: number; running: boolean } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  return { pid, port: Number(lines[3]), running: isPostgres(pid) };
}

/** The server on this cluster, if one is running and answers; one that stays mute is stopped if `stopIfMute`. */
export async function findRunning(
  clusterDir: string,
  credentials: Credentials,
  stopIfMute: boolean,
): Promise<{ pid: number; port: number } | undefined> {
  const postmaster = readPostmaster(clusterDir);
  // No file, or a stale one: PostgreSQL itself discards a stale pid file on start.
  if (!postmaster?.running) return undefined;
  const { pid, port } = postmaster;
  // Alive: it may still be starting up or recovering after a crash; give it time to answer.
  for (let i = 0; i < 300; i++) {
    if (await answers(port, credentials)) return { pid, port };
    if (!isPostgres(pid)) return undefined;
    await sleep(100);
  }
  // Alive but mute for 30 s: stop it and start afresh.
  if (stopIfMute) await stopPid(pid);
  return undefined;
}

/** Starts the postmaster on `preferredPort` or a free one (trying another when the port is taken, unless `keepPort`). */
export async function startServer(
  binaries: Binaries,
  dataDir: string,
  clusterDir: string,
  credentials: Credentials,
  account: Account | undefined,
  log: (m: string) => void,
  preferredPort?: number,
  keepPort = false,
): Promise<{ pid: number; port: number }> {
  const logFile = path.join(dataDir, 'postgres.log');
  for (let attempt = 1; ; attempt++) {
    const port = attempt === 1 && preferredPort ? preferredPort : await freePort();
    const fd = openSync(logFile, 'a');
    // detached: its own session, so Ctrl-C on `npm start` reaches us, not PostgreSQL; we stop it
    // once in-flight requests are done.
    const child = spawn(
      binaries.postgres,
      ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', '', '-c', 'max_connections=200'],
      { ...(account ?? {}), detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, LC_ALL: 'C' } },
    );
    closeSync(fd);
    child.unref();
    let exited = false;
    child.on('exit', () => (exited = true));
    for (let i = 0; i < 600 && !exited; i++) {
      if (await answers(port, credentials)) {
        log(`embedded PostgreSQL listening on 127.0.0.1:${port} (log: ${logFile})`);
        return { pid: child.pid!, port };
      }
      await sleep(100);
    }
    if (!exited) child.kill('SIGQUIT');
    const tail = (await fs.readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
    if (attempt >= 3 || keepPort || !/could not bind|Address already in use/.test(tail)) {
      throw new EmbeddedError(`the embedded PostgreSQL did not start (see ${logFile}): ${tail}`);
    }
  }
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it lingers. */
export async function stopPid(pid: number): Promise<void> {
  if (!isPostgres(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}

/** True when the server on `port` accepts our password and runs a query. */
async function answers(port: number, credentials: Credentials): Promise<boolean> {
  if (!port) return false;
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: credentials.password,
    database: 'postgres',
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
