import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'server', 'cli', 'main.js');
const SERVER = path.join(ROOT, 'dist', 'server', 'main.js');

/** The children these helpers started that have not exited yet. */
const running = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

// After each file that uses these helpers, whatever it left running is killed and waited for. A
// child the file lost track of (a beforeAll that timed out while servers were starting never got
// them to kill) would keep the Jest worker alive past the run: "A worker process has failed to exit
// gracefully and has been force exited".
afterAll(async () => {
  const left = [...running];
  await Promise.all(
    left.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      return exited;
    }),
  );
});

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`npm run gentie -- ...` without the build step) in a process of its own and
 * collects its output. For a test about the process (its streams, its exit, the embedded database
 * it starts); to run a command, cli.ts runCli does it in the test's process.
 */
export function spawnCli(args: string[], env: Record<string, string>, stdin = ''): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH!, ...env } });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A server process (dist/server/main.js) and the port it listens on. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the built server with PORT=0 and waits until it says where it listens. */
export function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER], {
      env: { PATH: process.env.PATH!, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_MULTIPLIER: '1000', ...env },
    });
    track(child);
    let output = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      const m = output.match(/Gentie is running: http:\/\/[^:]+:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** The postmaster of the PostgreSQL cluster in `clusterDir` (from its postmaster.pid), or undefined when it is not running. */
export function postmasterOf(clusterDir: string): { pid: number; port: number } | undefined {
  try {
    const lines = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The fields of a /proc stat file (`/proc/<path>/stat`) after the name, which may hold spaces:
 * [0] is field 3 (the state), [11] utime, [12] stime, [16] the nice value.
 */
export function statFields(path: string): string[] {
  const text = readFileSync(`/proc/${path}/stat`, 'latin1');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}
