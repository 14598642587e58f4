/**
 * The image worker process (uploads.worker.ts starts it): makes and stores the images the server
 * hands it by path, one request at a time as they come (uploads.images.ts keeps its own order of
 * decodes), every thread of it at the nice value the server asks for, and so are the PostgreSQL
 * backends that write its blobs when they run on this host (nicedStorage). Its connections are
 * named `gentie-images` in pg_stat_activity.
 */
import { type Kysely, sql } from 'kysely';
import { connect } from '../db/connect';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { setThreadNice, threadIds } from '../threads';
import { makeImage } from './uploads.make';
import { keepImageThreadsAt, lowerBackend } from './uploads.priority';
import { type UploadStorage, postgresUploadStorage } from './uploads.storage';
import type { WorkerAnswer, WorkerRequest } from './uploads.worker';

/**
 * Every thread this process has now (V8's, libuv's, its main thread) at `nice`; the threads it
 * starts later are born from these and inherit it. Linux only; elsewhere nothing changes.
 */
function lowerEveryThread(nice: number): void {
  for (const tid of threadIds()) setThreadNice(tid, nice);
}

/** The name the worker's connections go by in pg_stat_activity (the server's are `gentie`). */
const WORKER_APPLICATION_NAME = 'gentie-images';

/** The server's database URL, the connections named as the worker's. */
function workerConnection(url: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', WORKER_APPLICATION_NAME);
  return u.toString();
}

let db: Kysely<Database> | undefined;
let storage: UploadStorage | undefined;

/**
 * The storage with every PostgreSQL backend that writes a blob for this worker lowered to `nice`
 * first (each backend once), when that backend runs on this host (lowerBackend); otherwise, or
 * once the server will not say where its data is, the plain storage.
 */
function nicedStorage(db: Kysely<Database>, nice: number): UploadStorage {
  const plain = postgresUploadStorage(db);
  const lowered = new Set<number>();
  let possible = process.platform === 'linux';
  return {
    ...plain,
    put: (hash, data) =>
      db.connection().execute(async (conn) => {
        if (possible) {
          try {
            const { rows } = await sql<{ pid: number; dir: string }>`
              select pg_backend_pid() as pid, current_setting('data_directory') as dir`.execute(conn);
            const { pid, dir } = rows[0]!;
            if (!lowered.has(pid)) {
              if (lowerBackend(pid, dir, nice)) lowered.add(pid);
              else possible = false;
            }
          } catch {
            possible = false; // not allowed to read data_directory: a server we do not own
          }
        }
        await postgresUploadStorage(conn).put(hash, data);
      }),
  };
}

const answer = (a: WorkerAnswer) => process.send?.(a);

process.on('message', (request: WorkerRequest) => {
  if ('init' in request) {
    lowerEveryThread(request.init.nice);
    // Threads libvips starts mid-image are born at this nice value: kept there, not lowered again.
    keepImageThreadsAt(request.init.nice);
    db = connect(workerConnection(request.init.databaseUrl), { max: 2 });
    storage = nicedStorage(db, request.init.nice);
    return;
  }
  const { id, file, limits } = request;
  makeImage({ db: db!, storage: storage! }, file, limits).then(
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
