import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The process logger: JSON lines on stdout (or `destination`: the CLI run inside a test writes to
 * the test's). Cookies, authorization headers and passwords are redacted wherever they appear, so
 * a secret never reaches a log.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', 'password'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
