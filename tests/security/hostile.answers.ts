import http from 'node:http';
import { convertText } from '../../server/text/convert';
import type { HttpClient, Reply } from '../helpers/app';

/**
 * What tests/security/hostile-inputs.test.ts and hostile-outside-routes.test.ts send and check
 * alike: a request as a case names it, how it is sent, and what is wrong with an answer (a 5xx,
 * an error not in the reader's script, the API answering other than JSON, a page other than a page).
 */

export const HTML = '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>';
export const SQL = "1'; DROP TABLE posts; -- ' OR '1'='1";

export interface Sent {
  method: string;
  path: string;
  body?: { json?: unknown; raw?: string | Buffer; contentType?: string };
  headers?: Record<string, string>;
  what: string;
}

// ---- What is checked --------------------------------------------------------------------------

export const HAN = /\p{Script=Han}/u;

/** True when text is in the script asked for: unchanged by conversion into it. */
export function inScript(text: string, lang: 'zh-CN' | 'zh-TW' | undefined): boolean {
  if (!HAN.test(text)) return false;
  if (lang === undefined) return true;
  return lang === 'zh-CN' ? convertText(text, 'zh-hant', 'zh-hans') === text : convertText(text, 'zh-hans', 'zh-hant') === text;
}

const decode = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** What is wrong with an answer, or undefined. */
export function problem(sent: Sent, res: Reply, asked: 'zh-CN' | 'zh-TW'): string | undefined {
  // A variant prefix in the path wins over Accept-Language.
  const prefix = /^\/(zh-[a-z]+)\//.exec(sent.path)?.[1];
  // A case with its own (broken) Accept-Language names no script: the words need only be Chinese.
  const lang = prefix !== undefined ? (prefix === 'zh-hans' ? 'zh-CN' : 'zh-TW') : sent.headers?.['accept-language'] ? undefined : asked;
  const type = res.headers.get('content-type') ?? '';
  const isApi = /^\/(zh-[a-z]+\/)?api\//.test(sent.path);
  if (res.status >= 500) {
    const code = res.json?.error?.code ?? /data-code="(\w+)"/.exec(res.text)?.[1];
    if (res.status !== 503 || !['DatabaseUnavailable', 'Maintenance'].includes(code))
      return `${res.status} ${code ?? res.text.slice(0, 120)}`;
  }
  if (res.status < 400 || sent.method === 'HEAD') return undefined;
  if (isApi) {
    if (!type.includes('application/json')) return `API error as ${type || 'nothing'}: ${res.text.slice(0, 80)}`;
    const error = res.json?.error;
    if (typeof error?.code !== 'string' || typeof error?.message !== 'string')
      return `API error without code/message: ${res.text.slice(0, 120)}`;
    if (typeof error.localized !== 'string' || !inScript(error.localized, lang)) return `${error.code} not in ${lang}: ${error.localized}`;
    return undefined;
  }
  if (!type.includes('text/html')) {
    // A client that asked for JSON only gets JSON; everyone else a page.
    return `page error as ${type || 'nothing'} (${res.status}): ${res.text.slice(0, 80)}`;
  }
  const message = /<p class="error-message"[^>]*>([\s\S]*?)<\/p>/.exec(res.text)?.[1];
  // A form shown again with what was wrong (no error page): its own catalog words.
  const text = message !== undefined ? decode(message) : decode(/<main[\s\S]*<\/main>/.exec(res.text)?.[0] ?? res.text);
  if (!inScript(text, lang) && message !== undefined)
    return `page ${/data-code="(\w+)"/.exec(res.text)?.[1]} not in ${lang}: ${text.slice(0, 120)}`;
  if (!HAN.test(text)) return `page without words: ${text.slice(0, 120)}`;
  return undefined;
}

/**
 * Sends one case with node's http client (fetch refuses a GET with a body, and waits forever):
 * the client's cookies unless the case brings its own, a connection of its own (a kept-alive one
 * can be closed by the server's keep-alive timeout as it is reused), and a time limit, so a request
 * the app never answers is a failure, not a hung test.
 */
export function send(client: HttpClient, sent: Sent, lang: 'zh-CN' | 'zh-TW'): Promise<Reply> {
  const headers: Record<string, string> = { 'accept-language': lang === 'zh-CN' ? 'zh-CN,zh;q=0.9' : 'zh-TW,zh;q=0.9', accept: '*/*' };
  if (client.cookies.size) headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  Object.assign(headers, sent.headers);
  let payload: string | Buffer | undefined;
  if (sent.body?.json !== undefined) {
    payload = JSON.stringify(sent.body.json);
    headers['content-type'] = 'application/json';
  } else if (sent.body?.raw !== undefined) {
    payload = sent.body.raw;
    if (sent.body.contentType) headers['content-type'] = sent.body.contentType;
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = http.request(client.baseUrl + sent.path, { method: sent.method, headers, timeout: 60_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, text, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (err) => {
      // The app may answer (413) and close before a big body is all sent: the answer counts.
      reject(err);
    });
    req.end(payload);
  });
}
