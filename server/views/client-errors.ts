import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { hans, hant } from './messages';

/**
 * What a reader gets when Node refuses a request before the app sees it. A request line or headers
 * past Node's limit (a search of 10,000 words pasted into the address: 60 KB) are answered 431 by
 * Node with no body at all, which a browser shows as its own error page; here the 431 says what
 * happened in the reader's script (simplified under /zh-hans, else traditional), as JSON for the
 * API. Every other malformed request gets Node's own answer, a bare 400.
 */

/** The start of a request line: its method and path, as far as Node read it. */
const REQUEST_LINE = /^[A-Z]+ (\/[^\s?#]*)/;

/** The 431 for a request whose first bytes were `raw`. */
export function tooLargeResponse(raw: Buffer | undefined): string {
  const path = REQUEST_LINE.exec(raw?.subarray(0, 64).toString('latin1') ?? '')?.[1] ?? '/';
  const t = path.startsWith('/zh-hans/') || path === '/zh-hans' ? hans : hant;
  const api = /^(\/zh-(hans|tw|hk))?\/api\//.test(path);
  const body = api
    ? JSON.stringify({ error: { code: 'RequestTooLarge', message: 'The address or headers are too long.', localized: t.requestTooLarge } })
    : `<!doctype html><html lang="${t === hans ? 'zh-Hans' : 'zh-Hant'}"><meta charset="utf-8"><title>${t.errorTitle}</title>` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"><h1>${t.errorTitle}</h1><p>${t.requestTooLarge}</p></html>`;
  return [
    'HTTP/1.1 431 Request Header Fields Too Large',
    `Content-Type: ${api ? 'application/json' : 'text/html'}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers the requests Node cannot parse: the 431 above, else Node's bare 400. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    socket.end(
      error.code === 'HPE_HEADER_OVERFLOW' ? tooLargeResponse(error.rawPacket) : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
    );
  });
}
