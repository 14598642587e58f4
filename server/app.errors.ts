import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from './config';
import { AppError, isDatabaseUnavailable } from './errors';
import { dropTag } from './http/conditional';
import { chooseVariant } from './http/context';
import type { TextCache } from './caches';
import { VARIANTS, type Variant } from './text/convert';
import { freeTextIn } from './text/localize';
import { type PageContext, catalogFor, renderErrorPage } from './views/layout';
import { localizeError } from './views/messages.errors';

/**
 * What a request that fails is answered (createApp's one error handler, last of its middleware),
 * and what node's HTTP parser refuses before any handler runs (answerClientErrors, for the server
 * around createApp): an AppError as JSON for the API or a page in the reader's script, anything
 * else mapped to one first.
 */

/** Largest request body accepted (JSON or form); a bigger one is a 413. */
export const BODY_LIMIT = '256kb';

/** The one error handler: JSON for the API (and clients that ask for it), else an HTML page in the reader's script. */
export function errorHandler(config: Config, pageContext: (req: Request) => PageContext, conversions: TextCache) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = toAppError(error);
    if (known.status >= 500 && known.code !== 'DatabaseUnavailable') req.log.error({ err: error }, 'request failed');
    if (known.retryAfter) res.set('Retry-After', String(known.retryAfter));
    if (res.headersSent) return void res.end();
    dropTag(req, res);
    res.status(known.status);
    if (req.path.startsWith('/api/') || (!req.accepts('html') && req.accepts('json'))) {
      const variant = variantAsked(req.query.variant) ?? req.variant;
      const localized = localizeError(
        { ...catalogFor(variant), timeZone: config.displayTimeZone, variant, shown: freeTextIn(conversions, variant) },
        known,
      );
      res.json({ error: { code: known.code, message: known.message, localized } });
    } else {
      if (req.member === undefined) req.member = null;
      res.type('html').send(renderErrorPage(pageContext(req), known));
    }
  };
}

/**
 * The variant an API request names in its `variant` query parameter (the one the post endpoints
 * take), if it is one: its refusal's `localized` text is then in that script.
 */
function variantAsked(value: unknown): Variant | undefined {
  return (VARIANTS as readonly unknown[]).includes(value) ? (value as Variant) : undefined;
}

/** Maps anything thrown to the answer the client gets. */
function toAppError(error: unknown): AppError {
  const e = error as { type?: string; status?: number };
  // Errors from body-parser carry a `type` (it also rewrites the status of errors thrown by verify).
  switch (e?.type) {
    case 'entity.verify.failed':
      return new AppError(400, 'InvalidUtf8', 'The request body is not valid UTF-8.');
    case 'entity.too.large':
      return new AppError(413, 'PayloadTooLarge', `The request body is larger than ${BODY_LIMIT}.`, {
        params: { what: 'request', limit: BODY_LIMIT },
      });
    case 'entity.parse.failed':
      return new AppError(400, 'InvalidJson', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'UnsupportedMediaType', 'Send the body as UTF-8.', { params: { expected: 'utf8' } });
    case 'request.aborted':
      return new AppError(400, 'BadRequest', 'The request was aborted.');
    default:
      break;
  }
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError(503, 'DatabaseUnavailable', 'The database is restarting or unreachable; try again in a moment.', { retryAfter: 5 });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError(e.status, 'BadRequest', 'The request could not be understood.');
  }
  return new AppError(500, 'Internal', 'Something went wrong on our side; it has been logged.');
}

/**
 * What node's HTTP parser refuses before any handler runs: a request line and headers past its
 * 16 KB (a very long path or query, an oversize cookie) or that are not HTTP at all. Node's own
 * answer to those has no body; this one says why, as JSON for the API and a short page elsewhere,
 * in the script the variant prefix or Accept-Language of what was read asks for. For the server
 * that serves createApp (main.ts, the tests).
 */
export function answerClientErrors(server: Server, timeZone: string): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const raw = err.rawPacket?.toString('latin1') ?? '';
    const url = /^[A-Z]+ (\S+)/.exec(raw)?.[1] ?? '/';
    const acceptLanguage = /\r\naccept-language:[ \t]*([^\r\n]*)/i.exec(raw)?.[1];
    const { variant } = chooseVariant(url, { 'accept-language': acceptLanguage });
    const error =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError(431, 'PayloadTooLarge', 'The request line and headers are larger than 16 KB.', {
            params: { what: 'request', limit: '16 KB' },
          })
        : new AppError(400, 'BadRequest', 'The request could not be understood.');
    // Neither refusal quotes anything somebody wrote: nothing to convert.
    const localized = localizeError({ ...catalogFor(variant), timeZone, variant, shown: (text) => text }, error);
    const api = /^\/(zh-[a-z]+\/)?api\//.test(url);
    const body = api
      ? JSON.stringify({ error: { code: error.code, message: error.message, localized } })
      : `<!doctype html><meta charset="utf-8"><title>${error.status}</title><p class="error-message" data-code="${error.code}">${localized.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>\n`;
    const reason = error.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${error.status} ${reason}\r\nConnection: close\r\nContent-Type: ${api ? 'application/json' : 'text/html'}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
