import { runCli } from './run';

/**
 * The operator's CLI: `npm run gentie -- <command>` (the commands: usage.ts, README "Operating").
 * This file only hands the command line and the process's streams to runCli (run.ts) and exits
 * with its code; tests call runCli in their own process (tests/helpers/cli.ts).
 */
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // runCli answers every failure with a code; this is a bug in the CLI itself.
    console.error(error);
    process.exit(1);
  },
);
