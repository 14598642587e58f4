import type { NextFunction, Request, Response } from 'express';
import { requestDuration } from './metrics';

/**
 * Request times for gentie_http_request_duration_seconds, labelled by route pattern, never by the
 * raw path: `/t/:id`, not `/t/123` (a label per post would grow without bound, and name what
 * people read). The pattern is the one of the express route that answered; what no route answered
 * gets a fixed label (below), and so do the warm pages answered ahead of express (app.ts).
 */

/** Thread pages kept whole for anonymous readers, answered before express sees them (posts.pages.ts). */
export const WARM_PAGE_ROUTE = '(warm page)';
/** A post's subtree as the JSON API answers it, kept whole for anonymous readers and answered the same way. */
export const WARM_JSON_ROUTE = '(warm json)';
/** Requests no route matched: the catch-all 404, whatever the path. */
export const NOT_FOUND_ROUTE = '(not found)';
/** Requests answered by middleware before any route (a refused body, a cross-site form, a bad query). */
const NO_ROUTE = '(no route)';

/** The methods labelled by name; any other is OTHER (Node accepts a few dozen). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Timer = ReturnType<typeof requestDuration.labels>;

// One child of the histogram per (method, status, route) as it is first seen: a request then costs
// a string key and a map lookup, not prom-client's hashing of a label object. Bounded: the routes,
// statuses and methods are the app's own.
const timers = new Map<string, Timer>();

/** Records one answered request that took `seconds`. */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const m = METHODS.has(method) ? method : 'OTHER';
  const key = `${m} ${status} ${route}`;
  let timer = timers.get(key);
  if (!timer) {
    timer = requestDuration.labels(m, route, String(status));
    timers.set(key, timer);
  }
  timer.observe(seconds);
}

/** Labels this request's answer with a fixed route (the catch-all 404). */
export function labelRoute(res: Response, route: string): void {
  res.locals.metricsRoute = route;
}

/** The route pattern of an answered request, or its fixed label. */
function routeOf(req: Request, res: Response): string {
  const fixed = res.locals.metricsRoute as string | undefined;
  if (fixed) return fixed;
  // The route that answered (express leaves req.route at the last one entered); a route given
  // several paths is labelled with all of them. baseUrl is the path a router or middleware was
  // mounted at: the app mounts only at literal paths (no parameters), so it names no post.
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return req.baseUrl + path;
  if (Array.isArray(path)) return req.baseUrl + path.join(',');
  // Static files: answered by middleware mounted at a fixed path.
  if (req.baseUrl) return req.baseUrl;
  return NO_ROUTE;
}

/** Middleware, first in the app: times every request express answers, once it is sent. */
export function timeRequests(req: Request, res: Response, next: NextFunction): void {
  const started = performance.now();
  res.once('finish', () => observeRequest(req.method, routeOf(req, res), res.statusCode, (performance.now() - started) / 1000));
  next();
}
