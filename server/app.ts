import type { IncomingMessage, RequestListener, ServerOptions, ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import zlib from 'node:zlib';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { adminRouter } from './admin/admin.routes';
import { adminConsoleRouter } from './admin/admin.console.routes';
import { boardsRouter } from './boards/boards.routes';
import { watchMaintenance } from './backup/backup.maintenance';
import { type Caches, cacheStats, createCaches } from './caches';
import { onThreadEventWritten } from './events/thread-events';
import type { Config } from './config';
import type { Database } from './db/database';
import type { DatabaseState } from './db/supervisor';
import { collectProcessMetrics, watchCaches } from './metrics/metrics';
import { NOT_FOUND_ROUTE, labelRoute, timeRequests } from './metrics/metrics.http';
import { metricsRoute } from './metrics/metrics.routes';
import { metricsHistory } from './metrics/metrics.history';
import { VARIANTS, type Variant } from './text/convert';
import { AppError, validationFailed } from './errors';
import { type Assets, loadAssets } from './views/assets';
import { bornWithPrototypes } from './http/born';
import { siteOrigin } from './http/origin';
import { healthCheck, readinessCheck } from './http/health';
import { logWarmRequest, maintenanceGate, requestLogger, securityHeaders, warnOnceAboutForwardedHeaders } from './http/requests';
import { sitemapRouter } from './posts/posts.sitemap';
import { feedsRouter } from './feeds/feeds.routes';
import { cacheByMember } from './http/caching';
import { checkBodyText, checkPath, checkQuery, requireUtf8Form } from './http/input';
import { localPath } from './http/paths';
import { VARIANT_COOKIE, refuseCrossSite, variantResolver } from './http/context';
import { sessionMiddleware } from './sessions/sessions.cookies';
import type { MemberFeeds } from './realtime/realtime.members';
import { createLimiter } from './limits/limiter';
import { createAddressBans } from './limits/address-bans';
import { createPacing } from './limits/paced';
import { type SettingsStore, createSettingsStore } from './settings/settings';
import { type GlossaryStore, createGlossaryStore } from './glossary/glossary.store';
import { adminSettingsRouter } from './admin/admin.settings.routes';
import type { Rules } from './policy/policy';
import { type Mailer, createMailer } from './mail/mail.transport';
import { emailRouter, passwordResetRouter } from './email/email.routes';
import type { Logger } from './log';
import { membersRouter } from './members/members.routes';
import { glossaryRouter } from './moderation/moderation.glossary.routes';
import { reviewQueueRouter } from './moderation/moderation.queue.routes';
import { moderationRouter } from './moderation/moderation.routes';
import { banMember, liftBan } from './moderation/moderation.banning';
import { messageFeed } from './messages/messages.feed';
import { messagesRouter } from './messages/messages.routes';
import { peopleRouter } from './people/people.routes';
import { settingsRouter } from './people/settings.routes';
import { notificationFeed } from './notifications/notifications.feed';
import { notificationsRouter } from './notifications/notifications.routes';
import { postsRouter } from './posts/posts.routes';
import { type HotLists, createHotLists } from './posts/posts.hot';
import { hotRouter } from './posts/posts.hot.routes';
import { type KeptPage, warmPages } from './posts/posts.pages';
import { type ReadRecorder, createReadRecorder } from './reads/reads.recorder';
import { realtimeRouter } from './realtime/realtime.routes';
import { searchRouter } from './search/search.routes';
import { MULTIPART_PATHS, uploadsRouter, uploadsServing } from './uploads/uploads.routes';
import { type UploadStorage, postgresUploadStorage } from './uploads/uploads.storage';
import type { ImageWorker } from './uploads/uploads.worker';
import { type PageContext, catalogFor, defaultPageContext } from './views/layout';
import { BODY_LIMIT, errorHandler } from './app.errors';
import { siteWords } from './app.site';
import { freeTextIn } from './text/localize';

export interface AppDeps {
  config: Config;
  /**
   * The settings registry's values (server/settings/): main.ts makes the store over the database
   * and its environment, and has the realtime hub's LISTEN connection refresh it. Default: a store
   * over `db` with no environment, read once now.
   */
  settings?: SettingsStore;
  db: Kysely<Database>;
  log: Logger;
  assets?: Assets;
  /** What the embedded database's supervisor knows (restarting, stopped on purpose); /healthz reports it. */
  databaseState?: () => DatabaseState;
  /** The app's caches; main.ts makes them to share with the realtime hub. Default: a set of its own. */
  caches?: Caches;
  /** How email is sent; main.ts makes it to share with the digest job. Default: one from config.mail, none without SMTP_URL. */
  mailer?: Mailer;
  /**
   * Where thread pages count their reads; main.ts makes it to flush it on the job runner and at
   * shutdown, tests to flush it when they like. Default: one of its own, flushed by no one.
   */
  reads?: ReadRecorder;
  /**
   * The hot threads kept in memory (posts/posts.hot.ts); main.ts makes them to share with the
   * realtime hub, whose LISTEN connection tells them when threads change. Default: a set of its
   * own, recomputed only as it ages (HOT_MAX_AGE_MS) or its window ends.
   */
  hot?: HotLists;
  /** Where uploaded images' bytes are kept (uploads/uploads.storage.ts). Default: PostgreSQL, in `db`. */
  uploadStorage?: UploadStorage;
  /**
   * The process that makes and stores uploaded images at a lower CPU priority (uploads/
   * uploads.worker.ts; it stores into the default PostgreSQL upload storage, so only with that).
   * Default: none, images are made in this process.
   */
  imageWorker?: ImageWorker;
  /**
   * Whether this process's LISTEN connection is up (/readyz reports it). Default: what the app's
   * caches know of it (caches.threads.listening, kept by the realtime hub given the same caches).
   */
  listening?: () => boolean;
  /**
   * Whether this process's start-up warm-up (app.warm.ts) is over: /readyz says it is not ready
   * until then. Default: no warm-up (always true); main.ts runs one.
   */
  warmedUp?: () => boolean;
  /**
   * The glossaries every conversion follows (glossary/glossary.store.ts); main.ts makes them to
   * share with the realtime hub, whose LISTEN connection says when one changes. Default: a store
   * of its own over `db`, read now.
   */
  glossaries?: GlossaryStore;
}

// body-parser's verify hook: a body that is not valid UTF-8 is refused, never "repaired" into U+FFFD.
function requireUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf)) throw new AppError(400, 'InvalidUtf8', 'The request body is not valid UTF-8.');
}

/**
 * The app's request handler (for http.createServer): warm thread pages first, then the express
 * application with its middleware, feature routers, the 404 and the one error handler.
 */
export function createApp({
  config,
  db,
  log,
  assets = loadAssets(),
  databaseState = () => 'up',
  caches = createCaches(config.cacheBytes),
  mailer = config.mail && createMailer(config.mail, log),
  reads = createReadRecorder(db),
  settings = defaultStore(db, log),
  hot = createHotLists(db, { timeZone: config.displayTimeZone, refreshMs: settings.get('hot.refreshSeconds') * 1000 }),
  uploadStorage = postgresUploadStorage(db),
  imageWorker,
  listening = () => caches.threads.listening,
  warmedUp = () => true,
  glossaries = defaultGlossaries(db, log),
}: AppDeps): AppHandler {
  // Everything converted through the app's conversion cache follows the glossaries (caches.ts).
  caches.conversions.rules = glossaries.book;
  keepThreadsAhead(caches);
  // The process's numbers (server/metrics/): Node's own, and this app's caches while it lives.
  // The process's short history for /admin/metrics starts with its first app.
  collectProcessMetrics();
  metricsHistory();
  watchCaches(caches, cacheStats);
  const app = express();
  app.disable('x-powered-by');
  // Pages change with every follow-up and differ per reader; hashing megabytes of HTML for an
  // ETag costs more than it saves. Static files keep theirs.
  app.set('etag', false);
  // Only the proxies the operator named may say who the client is (X-Forwarded-For) and whether
  // the request came over TLS; with none named, the TCP peer is the client.
  app.set('trust proxy', config.trustProxy ?? false);

  // Read per use: an admin's change to the edit window applies to the next edit (0: no limit).
  const rules: Rules = {
    get editWindowMinutes() {
      return settings.get('editWindowMinutes') || undefined;
    },
  };
  // What an anonymous reader sees changed (the site's name, its default script): the pages kept
  // whole for them go, on every process (each hears the change and refreshes its settings).
  settings.onChange(() => caches.pages.clear());
  const site = siteWords(settings, caches.conversions);
  const maintenance = watchMaintenance(db);
  const base = defaultPageContext(assets, config.displayTimeZone);
  const pageContext = (req: Request): PageContext => ({
    ...base,
    ...catalogFor(req.variant),
    ...site(req.variant),
    member: req.member ?? null,
    path: req.originalUrl,
    variant: req.variant,
    shown: freeTextIn(caches.conversions, req.variant),
    prefix: req.variantPrefix ?? '',
    unread: req.unread,
    mail: mailer !== undefined,
    origin: config.publicUrl?.origin,
    maintenance: req.maintenance,
    registration: settings.get('registration.mode'),
  });

  const requestLog = requestLogger(log);
  const forwardedHeaders = config.trustProxy ? undefined : warnOnceAboutForwardedHeaders(log);
  app.use(timeRequests);
  app.use(requestLog);
  app.use(securityHeaders());
  // Brotli or gzip, as Accept-Encoding prefers (brotli first on a tie): pages, JSON, the stylesheet
  // and the browser module. Answers under 1 KB, images and other compressed types go as they are.
  // Brotli at quality 5, not the middleware's 4: on a 1,000-follow-up page (561 KB) 4 gives 47 KB,
  // more than gzip's 45, and 5 gives 41 KB for ~2 ms more of zlib's thread pool (docs/performance.md).
  // Thread pages kept whole (posts/posts.pages.ts) carry their own encoding, made once per version.
  app.use(
    compression({
      brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
      filter: (req, res) => !res.locals.precompressed && compression.filter(req, res),
    }),
  );

  if (forwardedHeaders) app.use(forwardedHeaders);

  app.use('/static', express.static(assets.dir, { immutable: true, maxAge: '365d', index: false, fallthrough: true }));

  app.get('/healthz', healthCheck(db, databaseState));
  app.get('/readyz', readinessCheck(db, databaseState, listening, warmedUp));
  // For a scraper with METRICS_TOKEN or on loopback; anyone else goes on to the 404 (metrics.routes.ts).
  app.get('/metrics', metricsRoute(config.metricsToken));

  const defaultVariant = () => variantSetting(settings.get('site.defaultVariant'));
  app.use(variantResolver(defaultVariant));
  // While an import restores an archive the forum is read-only on every process (http/requests.ts).
  app.use(maintenanceGate(maintenance));
  app.use(refuseCrossSite(siteOrigin(config)));
  app.use(checkPath);
  app.use(checkQuery);
  // Uploaded images are the same for every reader: served before sessions are looked up.
  app.use(uploadsServing({ db, storage: uploadStorage, images: caches.images }));

  app.get('/variant', switchVariant);
  app.use('/api', requireJsonBody);
  app.use(express.json({ limit: BODY_LIMIT, verify: requireUtf8 }));
  app.use(express.urlencoded({ limit: BODY_LIMIT, extended: false, verify: requireUtf8Form }));
  app.use(checkBodyText);
  app.use(sessionMiddleware(db, config.displayTimeZone));
  app.use(cacheByMember);

  // One limiter for every limited action; its counts are in PostgreSQL, shared by all processes.
  // Paced actions (threads, replies, edits, reports, 悄悄話) spend from it by member and address.
  const limiter = createLimiter(db, config, settings);
  // Addresses an admin banned refuse posting (in pacing) and registering (here), from a copy of the
  // bans each process keeps for a few seconds (limits/address-bans.ts).
  const addressBans = createAddressBans(db, settings);
  const pacing = createPacing(db, limiter, settings, addressBans);
  app.post(['/register', '/api/register'], (req, _res, next) => {
    addressBans.check(req.ip ?? '', 'register').then(() => next(), next);
  });

  app.use(hotRouter(db, hot, caches, pageContext));
  app.use(boardsRouter(db, caches.conversions));
  app.use(sitemapRouter(db, siteOrigin(config)));
  app.use(
    feedsRouter(db, caches, siteOrigin(config), {
      siteName: (variant) => site(variant).siteName,
      // The hot feed: today's site-wide list as the pages show it to an anonymous reader.
      hot: async () => (await hot.list({ board: null, period: 'today', viewer: null })).threads.map((t) => t.threadId),
    }),
  );
  app.use(membersRouter(db, limiter, settings, pageContext));
  // Without SMTP_URL nothing about email exists: its pages and API answer 404.
  if (mailer) app.use(emailRouter({ db, mailer, limiter, log, siteName: (variant) => site(variant).siteName }, pageContext));
  app.use(passwordResetRouter(db, pageContext));
  app.use(
    postsRouter(db, rules, caches, pageContext, pacing, limiter, {
      indexTreeLines: config.indexTreeLines,
      windowLines: config.threadWindowLines,
      depthCap: config.threadDepthCap,
      reads,
      hot,
    }),
  );
  app.use(moderationRouter(db, rules, caches, pageContext, pacing, limiter));
  app.use(reviewQueueRouter(db, caches.conversions, pageContext));
  app.use(glossaryRouter(db, glossaries, caches, pageContext, pacing));
  app.use(notificationsRouter(db, caches, pageContext));
  app.use(searchRouter(db, limiter, caches, pageContext, config.displayTimeZone));
  app.use(realtimeRouter(db, config.displayTimeZone, caches));
  app.use(adminRouter(db, pageContext, addressBans, caches.conversions));
  app.use(adminSettingsRouter(db, settings, pageContext, config.publicUrl));
  app.use(
    adminConsoleRouter(
      db,
      caches.conversions,
      pageContext,
      {
        // The console's site bans are moderation's (its rules, log and notice), audited in their transaction.
        ban: (admin, input, also) => banMember(db, admin, input, also),
        lift: (admin, banId, also) => liftBan(db, admin, banId, also),
      },
      // An archived or reopened board changes the site's hot list and its thread pages (the reply
      // form goes or comes back): this process recomputes the one and drops the pages it kept at
      // once; the others hear the change through the realtime hub (main.ts, boardsChanged).
      () => {
        hot.changed();
        caches.pages.clear();
        caches.searches.clear();
      },
      config.publicUrl,
    ),
  );
  app.use(
    messagesRouter({
      db,
      limiter,
      pacing,
      caches,
      pageContext,
      // A message report closed with a ban uses the moderation's site-wide ban (its rules and log).
      banSender: (admin, input) => banMember(db, admin, input),
    }),
  );
  app.use(peopleRouter(db, limiter, caches, pageContext));
  app.use(uploadsRouter({ db, storage: uploadStorage, images: caches.images, worker: imageWorker, settings, pacing, pageContext }));
  app.use(settingsRouter(db, { limiter, settings, rateLimitMultiplier: config.rateLimitMultiplier, email: Boolean(mailer) }, pageContext));

  app.use((req, res, next) => {
    labelRoute(res, NOT_FOUND_ROUTE);
    next(new AppError(404, 'NotFound', `Nothing is at ${req.method} ${req.path}.`));
  });

  app.use(errorHandler(config, pageContext, caches.conversions));

  // Thread pages kept whole for anonymous readers (posts/posts.pages.ts) are answered before
  // express's middleware and routers: on a warm page they cost more than the page itself. What
  // they would do for it is done here or was kept with the page: express's request and response
  // methods and originalUrl (as its app.handle and router give every request), the same request
  // id and log line (logWarmRequest), the forwarded headers warning, and the security headers and Vary the full
  // path had set when it kept the page.
  const warm = warmPages(db, caches, reads, defaultVariant);
  const handler: RequestListener = (req, res) => {
    // In maintenance every page goes the full way, which says so (and keeps none). What this
    // process last read is enough here (a warm page costs no query): the express path reads it
    // again, so writes are always refused in time, and a database being imported into was empty,
    // so it has no pages kept warm.
    if (maintenance.known()) return void app(req, res);
    const kept = warm.find(req);
    if (kept) return serveKept(req, res, kept);
    // Another reader's render of this very page is under way: wait for it, then take the page it
    // kept, or go the full way when it kept none for this reader (posts.pages.ts rendering).
    const rendering = warm.rendering(req, res);
    if (!rendering) return void app(req, res);
    void rendering.then(() => {
      const now = maintenance.known() ? undefined : warm.find(req);
      if (now) serveKept(req, res, now);
      else app(req, res);
    });
  };
  const serveKept = (req: IncomingMessage, res: ServerResponse, kept: KeptPage) => {
    const request = req as Request;
    const response = res as Response;
    request.res = response;
    response.req = request;
    Object.setPrototypeOf(request, app.request);
    Object.setPrototypeOf(response, app.response);
    response.locals = Object.create(null) as Response['locals'];
    // As express's router has it for every request (the request log names it).
    request.originalUrl = req.url ?? '/';
    logWarmRequest(requestLog.logger, request, response, kept.page.kind);
    forwardedHeaders?.(request, response, () => undefined);
    warm.serve(request, response, kept).catch((err: unknown) => {
      requestLog.logger.error({ err, req: request }, 'request failed');
      if (!response.headersSent) response.status(500).end();
      else response.destroy();
    });
  };
  return Object.assign(handler, {
    express: app,
    warm: { find: (req: IncomingMessage) => warm.find(req) !== undefined },
    serverOptions: bornWithPrototypes(app),
  });
}

/**
 * createApp's request handler, with what lies behind it for tests that walk every route (the
 * hostile-input sweep): the express application (its router stack) and the warm pages answered
 * ahead of it (whether one is kept for a request); and the options of the server to make for it
 * (`http.createServer(app.serverOptions, app)`: requests born with express's prototypes, see
 * http/born.ts; any server works, this one makes less garbage).
 */
export type AppHandler = RequestListener & {
  readonly express: express.Express;
  readonly warm: { find(req: IncomingMessage): boolean };
  readonly serverOptions: ServerOptions;
};

/** The glossaries createApp reads when given none: read once now. */
function defaultGlossaries(db: Kysely<Database>, log: Logger): GlossaryStore {
  const store = createGlossaryStore(db);
  store.loadAll().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'glossaries: cannot read them'));
  return store;
}

/** The store createApp makes when given none: the database's settings, no environment, read once. */
function defaultStore(db: Kysely<Database>, log: Logger): SettingsStore {
  const store = createSettingsStore(db, {}, { log, refreshMs: 0 });
  store.refresh().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'settings: cannot read them'));
  return store;
}

/** site.defaultVariant as the variant resolver takes it: 'original' is posts as written (none). */
const variantSetting = (value: string): Variant | undefined => (value === 'original' ? undefined : (value as Variant));

/**
 * This process's own thread events raise what its caches know of the thread at once, not when
 * their NOTIFY comes back over LISTEN, so a kept page is never served after a write here made it
 * stale. (Raised before the commit, the version only makes pages miss meanwhile.) Kept searches
 * check the post again until its announcement comes back (caches.ts SearchHits), so a member who
 * searches for what they just wrote finds it. Held weakly: an app that is gone (tests make many)
 * stops hearing.
 */
function keepThreadsAhead(caches: Caches): void {
  const threads = new WeakRef(caches.threads);
  const searches = new WeakRef(caches.searches);
  const stop = onThreadEventWritten((a) => {
    const known = threads.deref();
    if (known) known.heard(a.threadId, a.seq);
    else stop();
    if (a.postId !== undefined) searches.deref()?.wrote(a.postId, a.seq);
  });
}

/** The script switch: remember the choice for a year, then show the page asked for in it. */
function switchVariant(req: Request, res: Response): void {
  const to = String(req.query.to ?? '');
  if (to !== 'original' && !(VARIANTS as readonly string[]).includes(to)) {
    throw validationFailed('to', { kind: 'oneOf', values: ['original', ...VARIANTS] }, `to: one of original, ${VARIANTS.join(', ')}.`);
  }
  const next = localPath(req.query.next);
  res.cookie(VARIANT_COOKIE, to, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: 365 * 86400_000 });
  res.redirect(303, to === 'original' ? next : `/${to}${next === '/' ? '' : next}`);
}

/** The JSON API takes only JSON bodies: a form or any other type is a 415 (uploads take multipart: MULTIPART_PATHS). */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (MULTIPART_PATHS.includes(req.baseUrl + req.path) && req.is('multipart/form-data')) return next();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    return next(
      new AppError(415, 'UnsupportedMediaType', 'Send JSON with Content-Type: application/json.', { params: { expected: 'json' } }),
    );
  }
  next();
}

/**
 * How each feature's member events are read back for live delivery (realtime.members.ts): the
 * realtime server is given these by whoever starts it (main.ts, the tests), since it sits on the
 * features' layer and cannot import them.
 */
export function memberFeeds(options: { timeZone?: string; caches: Pick<Caches, 'conversions'> }): MemberFeeds {
  return {
    message: messageFeed(options.caches.conversions),
    notification: notificationFeed({ timeZone: options.timeZone ?? 'Asia/Shanghai', conversions: options.caches.conversions }),
  };
}
