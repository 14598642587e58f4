/**
 * The CLI's command line: words and `--flags`, and the refusal of a wrong one (a UsageError: the
 * CLI prints it with the usage and exits 2, before anything is touched).
 */

export class UsageError extends Error {}

/** `--name value` and `--name=value` flags, and the switches below as `yes`. */
export type Flags = Map<string, string>;

/** Flags that take no value. */
const SWITCHES = new Set(['--verify', '--replace', '--forever']);

export function parseArgs(argv: string[]): { command: string | undefined; args: string[]; flags: Flags } {
  const args: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (SWITCHES.has(a)) flags.set(a.slice(2), 'yes');
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
        flags.set(a.slice(2), value);
        i++;
      }
    } else args.push(a);
  }
  return { command: args.shift(), args, flags };
}

/** Exactly `count` words after the command; `what` names them when some are missing. */
export function need(args: string[], count: number, what: string): void {
  if (args.length < count) throw new UsageError(`missing ${what}`);
  if (args.length > count) throw new UsageError(`unexpected argument "${args[count]}"`);
}
