import { type TestApp, startTestApp } from '../helpers/app';
import { type TestSmtp, startSmtp } from './smtp';

/** The site as email links name it (the test app itself listens on a random port). */
export const PUBLIC_URL = 'https://bbs.example.org';

/** An app that sends email through a real SMTP server started for the test file. */
export interface MailApp {
  app: TestApp;
  smtp: TestSmtp;
  close(): Promise<void>;
}

/** Starts the SMTP server, then the app with SMTP_URL pointing at it. */
export async function startMailApp(env: Record<string, string> = {}): Promise<MailApp> {
  const smtp = await startSmtp();
  const app = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL, ...env } });
  return {
    app,
    smtp,
    async close() {
      await app.close();
      await smtp.close();
    },
  };
}
