import pino, { type Logger } from 'pino';

/**
 * The process logger: JSON lines on stdout. Cookies, authorization headers and
 * passwords are redacted wherever they appear, so a secret never reaches a log.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', 'password'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
