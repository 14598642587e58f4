/** /healthz and /readyz: whether the process's database answers, and whether it can take traffic. */
import type { Request, Response } from 'express';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database';
import { knownMigrations, pendingMigrations } from '../db/migrate';
import type { DatabaseState } from '../db/supervisor';

/** GET /healthz: 200 when the database answers; 503 with its state when it does not. */
export function healthCheck(db: Kysely<Database>, databaseState: () => DatabaseState) {
  return async (_req: Request, res: Response) => {
    let database: string = databaseState();
    if (database === 'up') {
      try {
        await sql`select 1`.execute(db);
        return void res.json({ status: 'ok', database: 'ok' });
      } catch {
        database = 'unreachable';
      }
    }
    res.status(503).set('Retry-After', '5').json({ status: 'unavailable', database });
  };
}

/**
 * GET /readyz: whether this process can take traffic, for a load balancer. Ready when the database
 * answers, has every migration this build knows (a process started before its migrations ran, or
 * an older database, is not), and the LISTEN connection is up (without it, live readers here miss
 * events and warm pages cannot be trusted), and its start-up warm-up is over (`warmedUp`: app.warm.ts;
 * while it runs the answer says `warm: "warming"`). 200 with each check, or 503 naming the one that
 * failed. One short statement; the build's migrations are listed once.
 */
export function readinessCheck(
  db: Kysely<Database>,
  databaseState: () => DatabaseState,
  listening: () => boolean,
  warmedUp: () => boolean = () => true,
) {
  let known: Promise<string[]> | undefined;
  return async (_req: Request, res: Response) => {
    let database: string = databaseState();
    let migrations = 'unknown';
    let pending: string[] = [];
    if (database === 'up') {
      // This build's own files: listed once (a failure, were the install broken, is tried again).
      const names = await (known ??= knownMigrations()).catch((error: unknown) => {
        known = undefined;
        throw error;
      });
      try {
        pending = await pendingMigrations(db, names);
        database = 'ok';
        migrations = pending.length === 0 ? 'current' : 'pending';
      } catch {
        database = 'unreachable';
      }
    }
    const listen = listening() ? 'connected' : 'down';
    const warming = !warmedUp();
    const ready = database === 'ok' && migrations === 'current' && listen === 'connected' && !warming;
    res.set('Cache-Control', 'no-store');
    if (!ready) res.status(503).set('Retry-After', warming ? '1' : '5');
    res.json({
      status: ready ? 'ready' : 'unavailable',
      database,
      migrations,
      ...(pending.length > 0 && { pending }),
      listen,
      ...(warming && { warm: 'warming' }),
    });
  };
}
