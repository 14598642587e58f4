// ESLint for the whole repository: a focused set of type-aware rules that catch real bugs (promises
// nobody awaits, assertions that change nothing, switches that miss a case), and the layer rule
// that keeps imports pointing one way, down. Layout is Prettier's (.prettierrc.json), not ESLint's.
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of server/, bottom to top (the README's "Developing" section draws them). A file may
 * import from the layers below its own, never from its own layer's other members or from above:
 * what two members of one layer share moves down. A member is a folder or a single file. Every
 * folder under server/ must be on a layer (tests/lint/layers.test.ts checks); a new feature goes
 * with its peers. Of the bottom group, config, errors, log and caches import nothing of
 * ours, so they sit beneath text and db, which use them; so do the metrics (metrics/), which
 * the layers above count into (db its pool and queries, events, members, posts, realtime, app),
 * and the script variants (variants.ts), which text converts between and db types posts.variant
 * with. Beneath them all, caches.lines.ts (a cached window's lines, packed), which caches.ts keeps
 * and re-exports. http sits beneath views, which use
 * its asset manifest. settings sits on its own just above db and config: it words its refusals as
 * config does (ConfigError), its database-backed store will need db, and limits read it. glossary
 * (the stored glossaries and each process's copy) sits beside it: the realtime hub keeps it
 * current, and the features that edit it sit above. admin
 * and demo sit with the features built on posts: demo seeds threads through posts, and admin's
 * one import from moderation (the policy) moves down with the policy. app.errors.ts (the error
 * handler, and the answer to what node's parser refuses) and app.site.ts (the site's words in a
 * reader's script) sit just beneath app.ts: createApp uses them, and so does main.ts; so does
 * app.warm.ts (the start-up warm-up main.ts runs through the app's handler).
 */
export const LAYERS = [
  ['server/caches.lines.ts'],
  [
    'server/config.ts',
    'server/errors.ts',
    'server/log.ts',
    'server/caches.ts',
    'server/variants.ts',
    'server/metrics',
    'server/threads.ts',
  ],
  ['server/text', 'server/db'],
  ['server/settings', 'server/glossary'],
  [
    'server/events',
    'server/sessions',
    'server/policy',
    'server/limits',
    'server/jobs',
    'server/mail',
    'server/tokens',
    'server/reads',
    'server/audit',
    'server/backup',
  ],
  ['server/http'],
  ['server/views'],
  ['server/members', 'server/boards'],
  ['server/posts'],
  [
    'server/moderation',
    'server/realtime',
    'server/admin',
    'server/demo',
    'server/messages',
    'server/notifications',
    'server/people',
    'server/email',
    'server/search',
    'server/uploads',
    'server/feeds',
  ],
  ['server/app.errors.ts', 'server/app.site.ts', 'server/app.warm.ts'],
  ['server/app.ts'],
  ['server/main.ts', 'server/cli'],
];

/** The event contract: the one file of server/ that client/ may import, and only its types. */
export const EVENT_CONTRACT = 'server/realtime/realtime.events.ts';

/**
 * Imports allowed against the layers, as [importing file, imported file]: none. Never add one:
 * move the shared thing down instead (the layer test fails on a line whose import is gone).
 */
export const LAYER_EXCEPTIONS = [];

/**
 * Rules switched off in one file, for findings in files that other branches of issue 11 are
 * rewriting (fixing them here would conflict with those branches). After merging, fix the finding
 * and delete its line; each says what is left to do.
 */
const RULE_EXCEPTIONS = [];

const root = import.meta.dirname;
const within = (file, member) => file === member || file.startsWith(`${member}/`);
const layerOf = (member) => LAYERS.findIndex((layer) => layer.includes(member));

/** import-x zones: for each member, every member above it and every other member of its layer. */
function layerZones(exceptions) {
  const zones = [];
  for (const [index, layer] of LAYERS.entries()) {
    for (const target of layer) {
      const forbidden = [...layer.filter((m) => m !== target), ...LAYERS.slice(index + 1).flat()];
      for (const from of forbidden) {
        const except = exceptions.filter(([, to]) => within(to, from)).map(([, to]) => `./${path.relative(from, to)}`);
        const why =
          layerOf(from) === index
            ? `${target} and ${from} are on the same layer and never import each other: move what they share down.`
            : `${target} is below ${from}: imports go down the layers (LAYERS in eslint.config.mjs).`;
        zones.push({ target, from, except, message: why });
      }
    }
  }
  zones.push(
    {
      target: 'client',
      from: 'server',
      except: [`./${path.relative('server', EVENT_CONTRACT)}`],
      message: `client/ takes only the types of the event contract (${EVENT_CONTRACT}) from the server.`,
    },
    { target: 'client', from: ['bench', 'migrations', 'scripts', 'tests'], message: 'client/ is bundled for the browser on its own.' },
    { target: 'migrations', from: 'server', message: 'Migrations never import app code: they must run the same forever.' },
  );
  return zones;
}

/** The layer rule's options, letting through the given [importing file, imported file] pairs. */
export function layerRule(exceptions) {
  return ['error', { basePath: root, zones: layerZones(exceptions) }];
}

/** One config block per file with exceptions: its zones let exactly those imports through. */
const exceptionBlocks = [...new Set(LAYER_EXCEPTIONS.map(([file]) => file))].map((file) => ({
  files: [file],
  rules: { 'import-x/no-restricted-paths': layerRule(LAYER_EXCEPTIONS.filter(([from]) => from === file)) },
}));

export default defineConfig(
  globalIgnores(['dist/', '.test-data/', '.bench-data/', 'data/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      // Type-aware: each of these finds bugs; the rest of recommendedTypeChecked mostly flags the
      // `any` of parsed JSON in tests.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      // Syntactic.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `typeof import('…')` stays allowed: opencc.ts needs it to type a require() of an ES module.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Input checks and title cleaning match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['client/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)server/realtime/realtime\\.events$',
              allowTypeImports: true,
              message: 'The browser bundle takes only types from the event contract: use `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    // Conversion only through text/localize.ts: every text shown converts by the glossaries of
    // where it is shown (textFor/htmlFor/textsFor/textIn with a ShownOn, or a post through the
    // conversion cache), and as written has its pins resolved. A surface that called the
    // converters or the pin resolver itself could forget the board's glossary (issue 18). The CLI's
    // `convert` shows the code's own rules, on purpose.
    files: ['server/**/*.{ts,tsx}'],
    ignores: ['server/text/**', 'server/cli/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)text/convert$',
              importNames: ['convertText', 'convertHtml', 'convertTexts'],
              message: 'Convert through text/localize.ts (textFor, htmlFor, textsFor, textIn, localized…), which applies the glossaries.',
            },
            {
              regex: '(^|/)text/pins$',
              importNames: ['resolvePins', 'resolveHtmlPins'],
              message: 'Resolve pins through text/localize.ts (textFor, htmlFor… with no variant), as every text shown is.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.{ts,tsx}', 'client/**/*.ts', 'migrations/**/*.ts'],
    rules: {
      // The layer rule reads import statements, not `typeof import('…')` inside a type.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSImportType[source.value=/^\\.\\./]',
          message: 'Import a type from another folder with `import type` at the top, where the layer rule sees it.',
        },
      ],
    },
  },
  {
    // JSX compiles to calls of `h` (views/html.ts): a parameter or variable named `h` inside a view
    // shadows it, and the page fails at run time ("h is not a function"), which the types miss.
    files: ['server/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSImportType[source.value=/^\\.\\./]',
          message: 'Import a type from another folder with `import type` at the top, where the layer rule sees it.',
        },
        {
          selector: ':function > Identifier.params[name="h"], VariableDeclarator > Identifier.id[name="h"]',
          message: 'JSX compiles to h(…): name this something else, or the element calls go to it.',
        },
      ],
    },
  },
  {
    files: ['migrations/**/*.ts'],
    // STYLE.md: migrations take Kysely<any>, so they never depend on today's Database interface.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })] },
    rules: { 'import-x/no-restricted-paths': layerRule([]) },
  },
  ...exceptionBlocks,
  ...RULE_EXCEPTIONS.map(([file, rule]) => ({ files: [file], rules: { [rule]: 'off' } })),
);
