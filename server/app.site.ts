import { SETTINGS, type SettingsStore } from './settings/settings';
import type { TextCache } from './caches';
import { shownOn, textIn, versionOn } from './text/localize';
import type { Variant } from './text/convert';
import { catalogFor } from './views/layout';

/**
 * The site's name and description in a reader's script: the catalog's own name while the setting
 * keeps its default (written natively in both scripts), else the admin's words converted as posts
 * are, by the site's glossary (they are on no board: text/localize.ts), pins resolved. Kept per
 * value, variant and the site glossary's version: they change only when an admin changes them.
 * Pages and emails (main.ts gives it to the digest) take the name from here.
 */
export function siteWords(settings: SettingsStore, conversions: TextCache) {
  const kept = new Map<string, { siteName: string; siteDescription: string }>();
  const on = shownOn(conversions, null);
  return (variant: Variant | undefined) => {
    const name = settings.get('site.name');
    const description = settings.get('site.description');
    const key = `${variant ?? ''}\u0000${versionOn(on)}\u0000${name}\u0000${description}`;
    let words = kept.get(key);
    if (!words) {
      const inScript = (text: string) => textIn(on, text, variant);
      words = {
        siteName: name === SETTINGS['site.name'].default ? catalogFor(variant).t.siteName : inScript(name),
        siteDescription: inScript(description),
      };
      if (kept.size > 100) kept.clear();
      kept.set(key, words);
    }
    return words;
  };
}
