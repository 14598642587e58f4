import { Readable } from 'node:stream';
import { runCli as run } from '../../server/cli/run';
import type { Outcome } from './processes';

/**
 * The CLI run inside the test's own process (server/cli/run.ts runCli): the same commands, output
 * and exit codes as `npm run gentie -- …`, without starting node and loading the server for each
 * command. Only a test about the process itself (signals, kill -9, the embedded database a CLI
 * process starts) spawns it (processes.ts spawnCli); each command family keeps one such test.
 */
export async function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...env },
    stdin: Readable.from(stdin ? [Buffer.from(stdin)] : []),
  });
  return { code, stdout, stderr };
}
