import { readFile, writeFile } from 'node:fs/promises';
import { createGlossaryStore } from '../../glossary/glossary.store';
import { type GlossaryTarget, addTerm, getGlossary, importGlossary, removeTerm } from '../../moderation/moderation.glossary';
import { VARIANTS } from '../../text/convert';
import { formatGlossary } from '../../text/glossary';
import { need } from '../args';
import { type AnyCliCommand, type CliContext, command } from '../command';

/** The glossary commands (moderation/moderation.glossary.ts), as the operator: no account, logged as CLI. */

/** The site's glossary, or --board's; the store the change goes through; the line saying the new version. */
function glossaryOf({ db, flags, say }: CliContext) {
  const board = flags.get('board');
  const target: GlossaryTarget = board ? { board } : { site: true };
  const told = (g: { version: number; terms: unknown[] }) =>
    say(`glossary ${board ?? 'site'}: version ${g.version}, ${g.terms.length} terms`);
  return { target, store: createGlossaryStore(db), told };
}

const cli = { cli: true } as const;

export const GLOSSARY_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'glossary:export',
    async run(ctx) {
      const { db, args, flags, io } = ctx;
      const { target, told } = glossaryOf(ctx);
      const g = await getGlossary(db, null, target, true);
      const file = flags.get('format') === 'json' ? `${JSON.stringify({ terms: g.terms }, null, 2)}\n` : formatGlossary(g.terms);
      if (args[0]) {
        await writeFile(args[0], file);
        told(g);
      } else io.stdout.write(file);
    },
  }),
  command({
    name: 'glossary:import',
    check: (args) => need(args, 1, 'the glossary file'),
    async run(ctx) {
      const { target, store, told } = glossaryOf(ctx);
      const text = await readFile(ctx.args[0]!, 'utf8');
      told(await importGlossary(ctx.db, store, cli, target, text, ctx.flags.has('replace') ? 'replace' : 'merge'));
    },
  }),
  command({
    name: 'glossary:add',
    check: (args) => need(args, 1, 'the term'),
    async run(ctx) {
      const { target, store, told } = glossaryOf(ctx);
      const forms = Object.fromEntries(VARIANTS.filter((v) => ctx.flags.has(v)).map((v) => [v, ctx.flags.get(v)]));
      told(await addTerm(ctx.db, store, cli, target, { text: ctx.args[0], forms }));
    },
  }),
  command({
    name: 'glossary:remove',
    check: (args) => need(args, 1, 'the term'),
    async run(ctx) {
      const { target, store, told } = glossaryOf(ctx);
      told(await removeTerm(ctx.db, store, cli, target, ctx.args[0]));
    },
  }),
];
