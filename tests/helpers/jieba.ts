import { createHash } from 'node:crypto';
import path from 'node:path';
import type * as JiebaModule from '@node-rs/jieba';

/**
 * What the app gets for `@node-rs/jieba` inside Jest (jest.config.js maps it here): the real
 * jieba, whose `Jieba.withDict` hands out one segmenter per dictionary for the whole worker
 * process (kept in tests/environment.js's cache) instead of loading the dictionary again in every
 * test file. A production process loads it once too; the segmenter holds nothing but the
 * dictionary (the app only cuts with it), and it is native, so not tied to one file's globals.
 */
// A path, not the package's name, so the mapping does not send this file back to itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path on purpose
const real = require(path.join(__dirname, '..', '..', 'node_modules', '@node-rs', 'jieba')) as typeof JiebaModule;

declare global {
  var __gentieWorkerCache: Map<string, unknown> | undefined;
}
const cache = globalThis.__gentieWorkerCache ?? new Map<string, unknown>();

function withDict(dict: Uint8Array): JiebaModule.Jieba {
  const key = `jieba ${createHash('sha256').update(dict).digest('hex')}`;
  let made = cache.get(key) as JiebaModule.Jieba | undefined;
  if (!made) {
    made = real.Jieba.withDict(dict);
    cache.set(key, made);
  }
  return made;
}

/**
 * The real class but for withDict (a native class's statics cannot be replaced): `new Jieba()`
 * makes a real one, and the prototype is the real one (what `jest.spyOn(Jieba.prototype, 'cut')` watches).
 */
function CachedJieba(): JiebaModule.Jieba {
  return new real.Jieba();
}
CachedJieba.prototype = real.Jieba.prototype;
CachedJieba.withDict = withDict;
export const Jieba = CachedJieba as unknown as typeof real.Jieba;
export const { TfIdf } = real;
