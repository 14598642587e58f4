/**
 * Every route an app answers, read from express's router stack (and the routers mounted in it),
 * so that a sweep over them (tests/security/hostile-inputs.test.ts) covers a route added later
 * without being edited.
 */
import type { Express } from 'express';

/** One method at one path template, as registered (`/t/:id`, `/b/:slug/threads`). */
export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  rawPath?: unknown;
  handle?: { stack?: Layer[] };
}

/** The routes of an express app: each method of each path of each route, in registration order. */
export function listRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const seen = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = ([] as unknown[]).concat(layer.route.path).flat(Infinity);
        for (const p of paths) {
          if (typeof p !== 'string') continue;
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (!on) continue;
            const m = method === '_all' ? 'POST' : method.toUpperCase();
            const key = `${m} ${prefix}${p}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ method: m, path: prefix + p });
          }
        }
      } else if (layer.handle?.stack) {
        // A mounted router: its own path (mostly none here) goes before its routes'.
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

/** The names of a path template's parameters (`/b/:slug/t/:id` → slug, id), optional ones included. */
export function paramNames(path: string): string[] {
  return [...path.matchAll(/[:*](\w+)/g)].map((m) => m[1]!);
}

/**
 * A path template with its parameters given: `values(name)` is the value of each (already
 * %-encoded as it should go in the URL). Optional groups `{...}` are kept with their parameter.
 */
export function fillPath(path: string, values: (name: string) => string): string {
  return path.replace(/[{}]/g, '').replace(/[:*](\w+)/g, (_, name: string) => values(name));
}
