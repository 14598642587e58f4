/**
 * The image worker process (uploads.worker.ts starts it): makes and stores the images the server
 * hands it by path, one request at a time as they come (uploads.images.ts keeps its own order of
 * decodes), every thread of it at the nice value the server asks for.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Kysely } from 'kysely';
import { connect } from '../db/connect';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { makeImage } from './uploads.make';
import { keepImageThreadsAt } from './uploads.priority';
import { postgresUploadStorage } from './uploads.storage';
import type { WorkerAnswer, WorkerRequest } from './uploads.worker';

/**
 * Every thread this process has now (V8's, libuv's, its main thread) at `nice`; the threads it
 * starts later are born from these and inherit it. Linux only; elsewhere nothing changes.
 */
function lowerEveryThread(nice: number): void {
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        setPriority(Number(tid), nice);
      } catch {
        // ended meanwhile, or not allowed: left as it is
      }
    }
  } catch {
    // no /proc: not Linux
  }
}

let db: Kysely<Database> | undefined;

const answer = (a: WorkerAnswer) => process.send?.(a);

process.on('message', (request: WorkerRequest) => {
  if ('init' in request) {
    lowerEveryThread(request.init.nice);
    // Threads libvips starts mid-image are born at this nice value: kept there, not lowered again.
    keepImageThreadsAt(request.init.nice);
    db = connect(request.init.databaseUrl, { max: 2 });
    return;
  }
  const { id, file, limits } = request;
  makeImage({ db: db!, storage: postgresUploadStorage(db!) }, file, limits).then(
    (made) => answer({ id, made }),
    (error: unknown) =>
      answer(
        error instanceof AppError && error.status < 500
          ? { id, refused: { status: error.status, code: error.code, message: error.message, params: error.params } }
          : { id, failed: error instanceof Error ? error.message : String(error) },
      ),
  );
});

// The server went away (or stopped it): so does the worker.
process.on('disconnect', () => {
  void db?.destroy().finally(() => process.exit(0));
});
