import type { OpenCC as Module } from '../../server/text/opencc';

/**
 * What the app gets for `opencc-js` inside Jest (jest.config.js maps it here): the real opencc-js,
 * loaded once per worker process (by tests/environment.js, outside the files' sandboxes), with what
 * it builds from its dictionaries kept for the worker instead of built again in every test file:
 * a dictionary group's trie (`Trie#loadDictGroup`, the ~20 MB simplified → traditional phrases
 * among them) and the converters (`Converter`, `ConverterFactory`). A production process builds
 * each once too (server/text/convert.stages.ts, convert.ts); they hold dictionaries only.
 *
 * A file still marks and indexes its tries itself (convert.stages.ts, convert.index.ts): the root
 * of a trie it gets is a Map of its own realm (one its `instanceof Map` knows): for a shared group,
 * a copy over the shared nodes. Words given one by one (`loadDict`: the curated words) are loaded
 * as before, into a trie of the file's own.
 */
type OpenCC = typeof Module;
/** A dictionary group, as convert.stages.ts names it: dictionaries, each a string of `from to` pairs or a list of pairs. */
type DictGroup = readonly (string | readonly (readonly [string, string])[])[];
type Root = Map<number, unknown>;

declare global {
  var __gentieWorkerCache: Map<string, unknown> | undefined;
}
const cache = globalThis.__gentieWorkerCache ?? new Map<string, unknown>();
const real = cache.get('opencc-js') as OpenCC;

// Kept by the same items (the same dictionary strings or groups, not equal copies): opencc-js's
// configs each write their own arrays of the same dictionaries.
function kept<V>(name: string, key: readonly unknown[], make: () => V): V {
  let list = cache.get(name) as { key: readonly unknown[]; value: V }[] | undefined;
  if (!list) cache.set(name, (list = []));
  const found = list.find((e) => e.key.length === key.length && e.key.every((item, k) => item === key[k]));
  if (found) return found.value;
  const value = make();
  list.push({ key: [...key], value });
  return value;
}

class SharedTrie extends real.Trie {
  constructor() {
    super();
    // The root in the file's realm: opencc-js's own constructor, loaded outside, makes it in its own.
    (this as unknown as { map: Root }).map = new Map();
  }

  loadDictGroup(group: DictGroup): void {
    const self = this as unknown as { map: Root };
    // Only a fresh trie takes a shared group (convert.stages.ts gives each group its own).
    if (self.map.size > 0) return super.loadDictGroup(group);
    const root = kept('opencc-js tries', group, () => {
      const trie = new real.Trie();
      trie.loadDictGroup(group);
      return (trie as unknown as { map: Root }).map;
    });
    self.map = new Map(root);
  }
}

const Converter: OpenCC['Converter'] = (options) => kept('opencc-js converters', [options.from, options.to], () => real.Converter(options));
const ConverterFactory: OpenCC['ConverterFactory'] = (...groups: DictGroup[]) =>
  kept('opencc-js converter factories', groups, () => real.ConverterFactory(...groups));

export const { Locale, CustomConverter, HTMLConverter } = real;
export { SharedTrie as Trie, Converter, ConverterFactory };
