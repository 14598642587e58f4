import { type SourceVariant, type Variant, VARIANTS, convertText, detectVariant, explainConversion } from '../../text/convert';
import { UsageError, need } from '../args';
import { type AnyCliCommand, command } from '../command';

/** `convert`: the text as a reader of another variant gets it, and with --explain how. Needs no database. */

function variantFlag(flags: Map<string, string>, name: 'from' | 'to'): Variant | undefined {
  const value = flags.get(name);
  if (value !== undefined && !(VARIANTS as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${VARIANTS.join(', ')}`);
  return value as Variant | undefined;
}

export const CONVERT_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'convert',
    database: 'none',
    check(args, flags) {
      const explain = flags.get('explain');
      const text = explain ?? args[0];
      if (explain === undefined) need(args, 1, 'the text to convert');
      else need(args, 0, '');
      if (!text?.trim()) throw new UsageError('convert needs the text to convert');
      const fromFlag = variantFlag(flags, 'from');
      const toFlag = variantFlag(flags, 'to');
      const from: SourceVariant = fromFlag ?? detectVariant(text);
      const to = toFlag ?? (from === 'zh-hans' || from === 'mixed' ? 'zh-tw' : 'zh-hans');
      return { text, from, to, explain: explain !== undefined };
    },
    run({ input: { text, from, to, explain }, say }) {
      if (!explain) {
        say(convertText(text, from, to));
        return;
      }
      const { output, stages } = explainConversion(text, from, to);
      say(`${from} → ${to}: ${output}`);
      if (stages.length === 0) say('(nothing to convert: the same variant, or no Chinese)');
      stages.forEach((stage, k) => {
        say(`\nstage ${k + 1}, ${stage.name}:\n  read  ${stage.text}\n  words ${stage.words.join('|')}`);
        for (const step of stage.steps) {
          const of = step.of ? ` ${step.of}, up to the word boundary` : '';
          const refused = step.refused ? `  (${step.refused} refused: it crosses a word boundary)` : '';
          const rule = step.rule ? `: ${step.rule}` : '';
          const choice = step.choice ? `  (${step.choice})` : '';
          say(`  ${step.source} → ${step.output}  ${step.kind}${rule}${of}${refused}${choice}`);
        }
      });
    },
  }),
];
