// Lists every import in server/ that goes up the layer order, or sideways between two feature
// folders of one layer (docs: ARCHITECTURE.md "Layers"). Exit 1 when there is any. The linter's
// boundary rule is the real guard; this is the quick check anyone can run: node scripts/check-layers.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SERVER = resolve(import.meta.dirname, '..', 'server');

// Bottom to top. A folder is a feature: two folders of one layer never import each other. A file
// (config.ts, errors.ts, …) is shared wiring that anything on its layer or above may import.
const LAYERS = [
  ['text', 'db', 'config.ts', 'errors.ts', 'log.ts', 'caches.ts'],
  ['events', 'sessions', 'limits', 'jobs', 'policy'],
  ['http', 'views'],
  ['members', 'boards'],
  ['posts'],
  ['moderation', 'realtime', 'admin', 'demo'],
  ['app.ts', 'main.ts', 'cli'],
];
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i])));
const unitOf = (file) => relative(SERVER, file).split('/')[0];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

const IMPORT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"](\.[^'"]+)['"]/gm;
const problems = [];
for (const file of files(SERVER)) {
  const from = unitOf(file);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(SERVER)) continue;
    const to = unitOf(target.endsWith('.ts') || target.endsWith('.tsx') ? target : `${target}.ts`);
    if (to === from) continue;
    const [a, b] = [rank.get(from), rank.get(to)];
    if (a === undefined || b === undefined) problems.push(`${relative(SERVER, file)} → ${spec}: ${a === undefined ? from : to} has no layer`);
    else if (b > a) problems.push(`${relative(SERVER, file)} → ${spec}: up (${from} ${a} → ${to} ${b})`);
    else if (b === a && !to.endsWith('.ts')) problems.push(`${relative(SERVER, file)} → ${spec}: sideways (${from} → ${to}, layer ${a})`);
  }
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
