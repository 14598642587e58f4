// `npm run check`: the type check, the linter and the format check, as CI runs them before the
// tests. It does what `npm run check:types`, `check:lint` and `check:format` do one by one, in less
// time: the type check and the linter share one TypeScript program per tsconfig (the linter's
// type-aware rules would otherwise build and check everything a second time), and Prettier runs
// beside them in its own process. Exits non-zero when any of the three finds something.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSCONFIGS = ['tsconfig.json', 'client/tsconfig.json'];

const begun = Date.now();
const format = prettierCheck();

let started = Date.now();
const programs = TSCONFIGS.map(createProgram);
const diagnostics = programs.flatMap((program) => ts.getPreEmitDiagnostics(program));
const types = { step: 'types', ok: diagnostics.length === 0, seconds: since(started), output: formatDiagnostics(diagnostics) };

started = Date.now();
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], languageOptions: { parserOptions: { projectService: false, programs } } }],
});
const results = await eslint.lintFiles(['.']);
const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
const stylish = await eslint.loadFormatter('stylish');
const lint = { step: 'lint', ok: problems === 0, seconds: since(started), output: await stylish.format(results) };

const formatted = await format;
const steps = [types, lint, formatted];
for (const s of steps) if (s.output.trim()) process.stdout.write(`\n== ${s.step}\n${s.output.trim()}\n`);
console.log('');
// Prettier's own time is not known: its exit is noticed only once the type check lets go.
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step}${s.seconds === undefined ? '' : ` (${s.seconds.toFixed(1)} s)`}`);
console.log(`in ${since(begun).toFixed(1)} s`);
if (!steps.every((s) => s.ok)) {
  if (!lint.ok || !formatted.ok) console.log('\n`npm run format` fixes the format, and what the linter can fix by itself.');
  process.exit(1);
}

/** The program tsc would build for a tsconfig, without emitting. */
function createProgram(tsconfig) {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), { noEmit: true, incremental: false }, host);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, configFileParsingDiagnostics: parsed.errors });
}

function formatDiagnostics(list) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  return process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext(list, host) : ts.formatDiagnostics(list, host);
}

/** `prettier --check` in its own process, its output kept for the end. */
function prettierCheck() {
  const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const child = spawn(process.execPath, [prettier, '--check', '--log-level', 'warn', '.'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ step: 'format', ok: false, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ step: 'format', ok: code === 0, output }));
  });
}

function since(time) {
  return (Date.now() - time) / 1000;
}
