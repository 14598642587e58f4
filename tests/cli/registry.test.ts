import { COMMANDS } from '../../server/cli/registry';
import { USAGE } from '../../server/cli/usage';

// The CLI's commands live in server/cli/commands/, one file per area; its help is one text
// (usage.ts). A command missing from either is a command nobody can find or nobody can run.

/** The command names the help lists: each line's first word, where it names a command. */
const listed = new Set([...USAGE.matchAll(/^ {2}([a-z][a-z:-]*)\b/gm)].map((m) => m[1]!));

describe('the CLI registry', () => {
  it('runs every command the help lists, and the help lists every command it runs', () => {
    expect([...COMMANDS.keys()].sort()).toEqual([...listed].sort());
  });
});
