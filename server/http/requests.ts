/**
 * The request pipeline's first pieces, shared by express's path and the warm pages answered ahead
 * of it (app.ts): the request id and log line, the security headers, the warning about forwarded
 * headers nobody trusts, the maintenance gate, and the encoding a reader accepts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { MAINTENANCE_RETRY_SECONDS, type MaintenanceWatch } from '../backup/backup.maintenance';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { WARM_JSON_ROUTE, WARM_PAGE_ROUTE, observeRequest } from '../metrics/metrics.http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A request's id: the one the client gave (X-Request-Id), if it is a plain token, else a fresh one; echoed back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The level of a request's log line. 503 is the database restarting: expected, said once by the storage layer, not a crash. */
const requestLogLevel = (res: ServerResponse, err?: Error): 'info' | 'warn' | 'error' =>
  res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info';

/** One log line per request, with its id (requestId). */
export function requestLogger(log: Logger) {
  return pinoHttp({
    logger: log,
    genReqId: requestId,
    // Method, path and status only: headers carry cookies and bodies carry passwords.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => requestLogLevel(res, err),
  });
}

/**
 * The request log for a warm page answered ahead of express (app.ts): the id and the line
 * requestLogger gives, through its logger and serializers, without the child logger it makes
 * for every request (a warm page has nothing else to log). Nothing is done for a level that is off.
 * One listener, on 'close': a response emits it after 'finish' when it was sent, and alone when
 * the connection went first.
 */
export function logWarmRequest(logger: Logger, req: Request, res: Response, kind: 'page' | 'json'): void {
  req.id = requestId(req, res);
  const started = performance.now();
  res.once('close', () => {
    const took = performance.now() - started;
    // The request metric, as timeRequests records it for express's requests, under one label.
    observeRequest(req.method, kind === 'page' ? WARM_PAGE_ROUTE : WARM_JSON_ROUTE, res.statusCode, took / 1000);
    const level = requestLogLevel(res);
    if (logger.isLevelEnabled(level)) logger[level]({ req, res, responseTime: Math.round(took) }, 'request completed');
  });
}

/** Security headers: a Content-Security-Policy that allows only our own scripts and styles. */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'http:', 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Post images come from other sites; don't let them see which thread linked them.
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * X-Forwarded-* headers without TRUST_PROXY are ignored (anyone could send them); when they do
 * arrive, a proxy is probably in front and the operator should say so. Logged once per process.
 */
export function warnOnceAboutForwardedHeaders(log: Logger) {
  let warned = false;
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!warned && (req.headers['x-forwarded-for'] !== undefined || req.headers['x-forwarded-proto'] !== undefined)) {
      warned = true;
      log.warn(
        'a request arrived with X-Forwarded-For/-Proto but TRUST_PROXY is unset, so the header is ignored and every client behind the proxy shares its address: set TRUST_PROXY to the proxy address (e.g. loopback)',
      );
    }
    next();
  };
}

/**
 * While an import restores an archive the forum is read-only on every process: pages say so,
 * writes are refused (server/backup/backup.maintenance.ts). What the process read less than
 * MAINTENANCE_CACHE_MS ago decides at once (no promise, no turn of the loop per request); only a
 * request arriving after that waits for the one short read every request of that moment shares.
 */
export function maintenanceGate(maintenance: MaintenanceWatch): RequestHandler {
  const gate = (req: Request, next: NextFunction, on: boolean) => {
    if (!on) return next();
    req.maintenance = true;
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    next(
      new AppError(503, 'Maintenance', 'The forum is read-only while an administrator restores a backup; try again in a few minutes.', {
        retryAfter: MAINTENANCE_RETRY_SECONDS,
      }),
    );
  };
  return (req, _res, next) => {
    const fresh = maintenance.fresh();
    if (fresh !== undefined) return gate(req, next, fresh !== null);
    maintenance.current().then((m) => gate(req, next, m !== undefined), next);
  };
}

// What each Accept-Encoding header value chose, as express's acceptsEncodings chooses: a reader's
// browser sends the same value on every request, so it is negotiated once per value, not per
// request. Bounded: emptied past a few dozen distinct values.
const chosen = new Map<string, 'br' | 'gzip' | 'identity'>();

/** The encoding a kept page goes out in: brotli whenever it is acceptable, else gzip, else as it is (as the compression middleware chooses). */
export function chooseEncoding(req: Request): 'br' | 'gzip' | 'identity' {
  const header = req.headers['accept-encoding'] ?? '';
  let coding = chosen.get(header);
  if (coding === undefined) {
    coding = req.acceptsEncodings('br') ? 'br' : req.acceptsEncodings('gzip') ? 'gzip' : 'identity';
    if (chosen.size >= 64) chosen.clear();
    chosen.set(header, coding);
  }
  return coding;
}
