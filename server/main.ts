// First: it reads the threads the process started with before any other module can start one.
import { lowerRuntimeThreads } from './threads';
import { ADDRESS_PURGE_JOB, purgePostAddresses } from './moderation/moderation.bans';
import http from 'node:http';
import { createApp, memberFeeds } from './app';
import { warmUp } from './app.warm';
import { answerClientErrors } from './app.errors';
import { siteWords } from './app.site';
import type { Variant } from './variants';
import { cacheStats, createCaches } from './caches';
import { loadAssets } from './views/assets';
import { siteOrigin } from './http/origin';
import { attachRealtime } from './realtime/realtime.hub';
import { HOT_CLOSE_EVERY_MS, HOT_CLOSE_JOB, closeHotWeek, createHotLists } from './posts/posts.hot';
import { warmUpConversion } from './text/convert';
import { ConfigError, type Config, loadConfig } from './config';
import { EmbeddedError } from './db/embedded';
import { isDatabaseUnavailable } from './errors';
import { migrateToLatest } from './db/migrate';
import { openStorage } from './db/storage';
import { seedOnFirstStart } from './demo/seed';
import { createLogger } from './log';
import { createJobRunner } from './jobs/jobs.runner';
import { pruneRateLimits } from './limits/limiter';
import { pruneExpired } from './members/members.service';
import { backfillNameSkeletons } from './members/names.service';
import { indexIsStale } from './search/search.service';
import { createMailer } from './mail/mail.transport';
import { DIGEST_EVERY_MS, DIGEST_JOB, sendDigests } from './email/email.digest';
import { pruneTokens } from './tokens/tokens.service';
import { createReadRecorder } from './reads/reads.recorder';
import { pruneReads } from './reads/reads.repository';
import { createSettingsStore, loadSettings } from './settings/settings';
import { createGlossaryStore } from './glossary/glossary.store';
import { UPLOADS_CLEANUP_JOB, removeUnusedUploads } from './uploads/uploads.service';
import { describeInterrupted, importRunning, readMaintenance } from './backup/backup.maintenance';
import { BACKUP_JOB, scheduledBackup } from './backup/backup.schedule';
import { postgresUploadStorage } from './uploads/uploads.storage';
import { createImageWorker } from './uploads/uploads.worker';
import { removeStaleUploadDirs } from './uploads/uploads.receive';

/** An import into this database was killed: start-up stops and says what to do. */
class InterruptedImport extends Error {}

/** How long shutdown waits for in-flight requests before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;
const HOUR_MS = 3_600_000;

/** Start-up: config → database → migrations → demo data → HTTP; and a clean shutdown on signals. */
async function main(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  // V8's helpers (garbage collection) below the event loop: they take what it leaves.
  lowerRuntimeThreads();
  const storage = await openStorage(config, log, 'server');
  await migrateToLatest(storage.db, (name) => log.info({ migration: name }, 'migration applied'));
  // The settings: the environment's (checked before start-up), then the admin console's from the
  // database, read now and again whenever the realtime hub hears of a change (and every minute).
  const settings = createSettingsStore(storage.db, process.env, { log });
  await settings.refresh();
  // An import (server/backup/) holds the forum read-only; one that was killed left its row.
  const maintenance = await readMaintenance(storage.db);
  const importing = maintenance !== undefined && (await importRunning(storage.db));
  if (maintenance && !importing) {
    await storage.close();
    throw new InterruptedImport(
      `${describeInterrupted(maintenance)}. Run \`npm run gentie -- import <archive>\` again, or \`npm run gentie -- maintenance:off\` to start the forum without it`,
    );
  }
  if (importing) log.warn('an import is under way: the forum is read-only until it ends');
  const skeletons = await backfillNameSkeletons(storage.db);
  if (skeletons) log.info({ members: skeletons }, 'name skeletons computed');
  if (!importing && (await seedOnFirstStart(storage.db, (m) => log.info(`demo: ${m}`))))
    log.info('first start: demo board and thread created');
  if (await indexIsStale(storage.db))
    log.warn('the search index was made by older folding rules: run `npm run gentie -- search:reindex --only stale`');

  warmUpConversion();
  const assets = loadAssets();
  const caches = createCaches(config.cacheBytes);
  // The glossaries every conversion follows, read now and again whenever the realtime hub hears of a change.
  const glossaries = createGlossaryStore(storage.db);
  await glossaries.loadAll();
  // Only with SMTP_URL; shared by the pages (verification, reset) and the digest job.
  const mailer = config.mail && createMailer(config.mail, log);
  // Thread pages count reads in memory; the job runner below flushes them, and shutdown once more.
  const reads = createReadRecorder(storage.db, { counted: (thread, count) => caches.threads.counted(thread, count) });
  // Hot threads (十大) kept in memory: the pages show them, the realtime hub's LISTEN says when they change.
  const hot = createHotLists(storage.db, { timeZone: config.displayTimeZone, refreshMs: settings.get('hot.refreshSeconds') * 1000 });
  // Upload folders left in TMPDIR by servers that were killed mid-upload (SIGKILL, a crash).
  const stale = await removeStaleUploadDirs();
  if (stale.length) log.info({ folders: stale.length }, 'upload folders left by killed processes removed');
  // Uploaded images' bytes, shared by the app and the cleanup job.
  const uploadStorage = postgresUploadStorage(storage.db);
  // Uploaded photos are made and stored by a process of their own, below the event loop's priority.
  const imageWorker = createImageWorker({ databaseUrl: storage.url, log: (m) => log.warn(m) });
  // /readyz says not ready until the start-up warm-up below is over (or there is none).
  let warmedUp = config.warmUp.seconds === 0;
  const app = createApp({
    config,
    settings,
    db: storage.db,
    log,
    assets,
    databaseState: storage.state,
    caches,
    mailer,
    reads,
    hot,
    uploadStorage,
    imageWorker,
    glossaries,
    warmedUp: () => warmedUp,
  });
  const server = http.createServer(app.serverOptions, app);
  answerClientErrors(server, config.displayTimeZone);
  const realtime = attachRealtime(server, {
    db: storage.db,
    databaseUrl: storage.url,
    timeZone: config.displayTimeZone,
    log,
    site: siteOrigin(config),
    caches,
    memberFeeds: memberFeeds({ timeZone: config.displayTimeZone, caches }),
    hot,
    settings,
    glossaries,
    boardsChanged: () => {
      caches.pages.clear();
      caches.searches.clear();
    },
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  log.info({ port }, `Gentie is running: http://${config.host && config.host !== '0.0.0.0' ? config.host : 'localhost'}:${port}/`);

  // Housekeeping, once an hour across all processes on the database.
  const jobs = createJobRunner(storage.db, log);
  jobs.every('sessions:prune', HOUR_MS, () => pruneExpired(storage.db));
  jobs.every('rate-limits:prune', HOUR_MS, () => pruneRateLimits(storage.db));
  jobs.every('tokens:prune', HOUR_MS, () => pruneTokens(storage.db));
  jobs.every('reads:prune', HOUR_MS, () => pruneReads(storage.db));
  // Post addresses are kept for addresses.retentionDays, then deleted (moderation.bans.ts).
  jobs.every(ADDRESS_PURGE_JOB, HOUR_MS, () => purgePostAddresses(storage.db, settings.get('addresses.retentionDays')));
  // Images no post or 悄悄話 has shown for uploads.unusedDays are deleted (uploads.service.ts).
  jobs.every(UPLOADS_CLEANUP_JOB, HOUR_MS, (signal) =>
    removeUnusedUploads({ db: storage.db, storage: uploadStorage }, settings.get('uploads.unusedDays'), signal),
  );
  // The week's hot lists add today's follow-ups to the week's ended days, summed up here (posts.hot.ts).
  jobs.every(HOT_CLOSE_JOB, HOT_CLOSE_EVERY_MS, () => closeHotWeek(storage.db, config.displayTimeZone));
  // The nightly archive into DATA_DIR/backups (server/backup/backup.schedule.ts). Always scheduled,
  // so BACKUPS_KEEP turned on from the console takes effect without a restart: each hourly attempt
  // reads the live setting, and does nothing ('off') while it is 0.
  jobs.every(BACKUP_JOB, HOUR_MS, async (signal) => {
    const outcome = await scheduledBackup({
      url: storage.url,
      dataDir: config.dataDir,
      keep: settings.get('backups.keep'),
      hour: settings.get('backups.hour'),
      timeZone: config.displayTimeZone,
      signal,
    });
    if (outcome.done === 'exported')
      log.info({ file: outcome.file, rows: outcome.rows, bytes: outcome.bytes, removed: outcome.removed }, 'backup written');
  });
  // Each process adds up its own reads: a flush cannot be left to whichever process holds a lock.
  jobs.eachProcess('reads:flush', config.readFlushMs, () => reads.flush());
  if (mailer) {
    // The site's name as pages show it (the caches' conversions follow the glossaries once createApp has run).
    const site = siteWords(settings, caches.conversions);
    const digest = {
      db: storage.db,
      mailer,
      log,
      timeZone: config.displayTimeZone,
      siteName: (variant: Variant | undefined) => site(variant).siteName,
      conversions: caches.conversions,
    };
    jobs.every(DIGEST_JOB, DIGEST_EVERY_MS, (signal) => sendDigests(digest, signal));
  }

  // How full the caches are, as one JSON log line: on SIGUSR2 (the bench asks a running process
  // this way), and once more on shutdown. A signal, not an HTTP endpoint, so only whoever may
  // signal the process can ask.
  const logCaches = (signal: string) =>
    log.info({ signal, caches: cacheStats(caches), rssBytes: process.memoryUsage().rss }, 'cache stats');
  process.on('SIGUSR2', () => logCaches('SIGUSR2'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logCaches(signal);
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    // Closing socket.io disconnects the readers (they reconnect to another process) and closes
    // the HTTP server, which stops accepting and waits for in-flight requests.
    const closed = realtime.close();
    const jobsStopped = jobs.close();
    settings.close();
    server.closeIdleConnections();
    await closed;
    await jobsStopped;
    // The last reads, now that no request can record more (the HTTP server is closed): a normal
    // stop loses none. A database that is away loses them, as a crash would; counts are approximate.
    await reads.flush().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'reads: the last counts were not saved'));
    mailer?.close();
    await imageWorker.stop();
    await storage.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // The pages readers ask for first, asked for by this process itself before /readyz says ready
  // (app.warm.ts), once the LISTEN connection is up (whole pages are kept only while it is), all
  // within WARM_UP_SECONDS. Readers who come meanwhile are served as ever, only not yet warm.
  if (!warmedUp) {
    const started = performance.now();
    const budgetMs = config.warmUp.seconds * 1000;
    while (!caches.threads.listening && !stopping && performance.now() - started < budgetMs / 2) await sleep(50);
    const outcome = await warmUp(app, storage.db, {
      budgetMs: budgetMs - (performance.now() - started),
      threads: config.warmUp.threads,
      concurrency: WARM_UP_CONCURRENCY,
      connections: config.databasePoolSize,
    }).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'warm-up failed; ready all the same'));
    warmedUp = true;
    if (outcome) log.info({ ...outcome, listen: caches.threads.listening }, 'warmed up: ready');
  }
}

/** Requests the start-up warm-up sends at a time, so several connections run the pages' statements. */
const WARM_UP_CONCURRENCY = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let config: Config;
try {
  config = loadConfig();
  // The settings registry's variables: a bad one stops start-up with one line, as a bad config does.
  loadSettings();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`gentie: configuration error: ${error.message}`);
  process.exit(1);
}

main(config).catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof InterruptedImport) console.error(`gentie: ${e.message}`);
  else if (error instanceof EmbeddedError) console.error(`gentie: cannot start the embedded database: ${e.message}`);
  else if (e?.code === 'EADDRINUSE') console.error(`gentie: port ${config.port} is in use: stop what uses it or set PORT to another port`);
  else if (isDatabaseUnavailable(error))
    console.error(`gentie: cannot reach the database (${e.message}): check DATABASE_URL and that PostgreSQL is running`);
  else if (e?.code === 'EACCES' && e.syscall === 'listen')
    console.error(`gentie: not allowed to listen on port ${config.port}: set PORT above 1024`);
  else console.error(`gentie: start-up failed: ${e?.message ?? String(error)}`);
  process.exit(1);
});
