import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './helpers/processes';

function startServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'server', 'main.js')], { env: { PATH: process.env.PATH!, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('start-up', () => {
  it.each([
    [{ PORT: 'abc' }, /^gentie: configuration error: PORT must be a whole number \(got "abc"\)$/],
    [{ TZ_DISPLAY: 'Nowhere/Else' }, /^gentie: configuration error: TZ_DISPLAY must be an IANA time zone/],
    [
      { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/none' },
      /^gentie: cannot reach the database \(.*\): check DATABASE_URL and that PostgreSQL is running$/,
    ],
  ])('stops with exit 1 and one line saying what is wrong (%o)', async (env, line) => {
    const out = await startServer(env);
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr.trim()).toMatch(line);
  });
});
