// Builds what `npm start`, `npm test`, `npm run gentie` and `npm run bench` run:
// the server (tsc: type-checks and emits dist/) and the browser module and stylesheet
// (esbuild: one file each, named by content hash, listed in dist/public/manifest.json).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'client', 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error('build: the TypeScript compiler reported errors (above); fix them and run again.');
  process.exit(1);
}

const publicDir = join(root, 'dist', 'public');
rmSync(publicDir, { recursive: true, force: true });
mkdirSync(publicDir, { recursive: true });

const bundles = await esbuild.build({
  entryPoints: { app: join(root, 'client', 'main.ts'), style: join(root, 'client', 'style.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  write: false,
  outdir: publicDir,
  logLevel: 'warning',
});

const manifest = {};
for (const file of bundles.outputFiles) {
  const name = file.path.slice(publicDir.length + 1);
  const dot = name.lastIndexOf('.');
  const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 10);
  const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  writeFileSync(join(publicDir, hashed), file.contents);
  manifest[name] = hashed;
}
writeFileSync(join(publicDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
