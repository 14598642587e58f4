// Runs the repository's ESLint config, its layer rules only and without type information (fast),
// for tests/lint/layers.test.ts: jest cannot load the ES-module config itself, so the test starts
// this script and reads its answer. Input on stdin: {"snippets":[{"filePath","code"}]}, paths
// relative to the repository. Output on stdout: the findings for each snippet, the exceptions whose
// import is gone, and the members of server/ on no layer.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { LAYERS, LAYER_EXCEPTIONS, layerRule } from '../../eslint.config.mjs';

const root = path.join(import.meta.dirname, '..', '..');
const LAYER_RULES = ['import-x/no-restricted-paths', '@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'];
const untyped = { languageOptions: { parserOptions: { projectService: false } } };
const ruleFilter = ({ ruleId }) => LAYER_RULES.includes(ruleId);

const { snippets } = JSON.parse(readFileSync(0, 'utf8'));

const eslint = new ESLint({ cwd: root, overrideConfig: [untyped], ruleFilter });
const findings = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  findings.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}

// The exceptions' files linted with no exception at all: each exception must still be needed.
const strict = new ESLint({
  cwd: root,
  overrideConfig: [untyped, { files: ['**/*'], rules: { 'import-x/no-restricted-paths': layerRule([]) } }],
  ruleFilter,
});
const violations = new Set();
const files = [...new Set(LAYER_EXCEPTIONS.map(([file]) => file))].filter((file) => existsSync(path.join(root, file)));
for (const result of await strict.lintFiles(files)) {
  const file = path.relative(root, result.filePath);
  for (const m of result.messages) {
    const specifier = /Unexpected path "([^"]+)"/.exec(m.message)?.[1];
    if (specifier) violations.add(`${file} -> ${resolveTs(path.dirname(file), specifier)}`);
  }
}
const stale = LAYER_EXCEPTIONS.map(([from, to]) => `${from} -> ${to}`).filter((pair) => !violations.has(pair));

const placed = new Set(LAYERS.flat());
const unplaced = readdirSync(path.join(root, 'server'), { withFileTypes: true })
  .map((entry) => `server/${entry.name}`)
  .filter((member) => !placed.has(member));

process.stdout.write(JSON.stringify({ findings, stale, unplaced }));

/** The repository path of a relative import written without its extension. */
function resolveTs(dir, specifier) {
  const base = path.join(dir, specifier);
  return ['', '.ts', '.tsx', '/index.ts'].map((ext) => base + ext).find((candidate) => existsSync(path.join(root, candidate))) ?? base;
}
