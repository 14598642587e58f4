import { createTransport } from 'nodemailer';
import type { MailConfig } from '../config';
import type { Logger } from '../log';

/**
 * Sending email: one nodemailer SMTP transport per process, from SMTP_URL. The URL holds the SMTP
 * password, so it is never logged: failures are logged by their message and code only (nodemailer
 * puts the server's reply there, never the credentials).
 */

/** One email, already written: both a plain-text and an HTML part. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe…). */
  headers?: Record<string, string>;
}

/** What the features send email through. */
export interface Mailer {
  /** Where links in emails point (PUBLIC_URL's origin). */
  readonly publicUrl: URL;
  /** Sends one email; rejects when the SMTP server refuses it or cannot be reached. */
  send(message: MailMessage): Promise<void>;
  /** Closes the transport's connections (shutdown). */
  close(): void;
}

// An SMTP server that hangs must not hold a request (or the digest job) for nodemailer's minutes.
const CONNECTION_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/** A mailer over the configured SMTP server. */
export function createMailer(config: MailConfig, log: Logger): Mailer {
  const transport = createTransport(
    {
      url: config.smtpUrl,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      // nodemailer's own logging could print the AUTH exchange: keep it off.
      logger: false,
      debug: false,
    },
    { from: config.from },
  );
  return {
    publicUrl: config.publicUrl,
    async send(message) {
      try {
        await transport.sendMail({
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: message.headers,
        });
      } catch (error) {
        const e = error as { message?: string; code?: string; responseCode?: number };
        log.warn({ mail: { code: e.code, responseCode: e.responseCode }, err: { message: e.message } }, 'mail: sending failed');
        throw new Error(`sending email failed: ${e.message ?? 'unknown error'}`, { cause: error });
      }
    },
    close() {
      transport.close();
    },
  };
}
