import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Hashed names of the built stylesheet and browser module (from dist/public/manifest.json). */
export interface Assets {
  readonly dir: string;
  readonly style: string | undefined;
  readonly script: string | undefined;
}

/** Finds the build output whether we run from dist/ or from source under jest. */
export function loadAssets(): Assets {
  const candidates = [path.join(__dirname, '..', '..', 'public'), path.join(__dirname, '..', '..', 'dist', 'public')];
  const dir = candidates.find((d) => existsSync(path.join(d, 'manifest.json')));
  if (!dir) return { dir: candidates[0]!, style: undefined, script: undefined };
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, string>;
  return { dir, style: manifest['style.css'], script: manifest['app.js'] };
}
