import { promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';

/** Small process helpers of the embedded PostgreSQL, and the error it raises. */

/** Raised with a one-line explanation of what to change. */
export class EmbeddedError extends Error {}

/** True when a process with this pid runs (and is not this one). */
export function isAlive(pid: number): boolean {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and a postgres process (a pid from a stale file may belong to something else now). */
export function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust the pid
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
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

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` while holding a lock file (held by a live pid), so two processes never start two servers. */
export async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
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
