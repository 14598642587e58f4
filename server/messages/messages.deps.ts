import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import type { Limiter } from '../limits/limiter';
import type { Pacing } from '../limits/paced';
import type { PageContext } from '../views/layout';
import type { BanSender } from './messages.reports';

/**
 * What the 悄悄話 routes are given by app.ts: the member's routes (messages.routes.ts) and the
 * admins' pages for message reports (messages.admin.routes.ts) alike.
 */

export interface MessagesDeps {
  db: Kysely<Database>;
  limiter: Limiter;
  /** Paces each message sent (server/limits/paced.ts). */
  pacing: Pacing;
  caches: Pick<Caches, 'conversions'>;
  pageContext: (req: Request) => PageContext;
  /** The site-wide ban (moderation's, wired by app.ts) that closes a message report with a ban. */
  banSender: BanSender;
}
