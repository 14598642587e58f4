import http from 'node:http';
import { createGlossaryStore } from '../../server/glossary/glossary.store';
import type { AddressInfo } from 'node:net';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresQueryCompiler,
  SelectQueryNode,
  TableNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { type AppHandler, createApp, memberFeeds } from '../../server/app';
import { answerClientErrors } from '../../server/app.errors';
import { connect } from '../../server/db/connect';
import { type Caches, createCaches } from '../../server/caches';
import { loadConfig } from '../../server/config';
import { type SettingsStore, createSettingsStore } from '../../server/settings/settings';
import { loadAssets } from '../../server/views/assets';
import { siteOrigin } from '../../server/http/origin';
import { type Logger, createLogger } from '../../server/log';
import { attachRealtime } from '../../server/realtime/realtime.hub';
import { createHotLists } from '../../server/posts/posts.hot';
import { type ReadRecorder, createReadRecorder } from '../../server/reads/reads.recorder';
import type { MemberFeeds } from '../../server/realtime/realtime.members';
import type { ImageWorker } from '../../server/uploads/uploads.worker';
import { type TestDatabase, createTestDatabase } from './database';

/** The whole application on a free port, over its own database. */
export interface TestApp extends TestDatabase {
  baseUrl: string;
  /** The app's caches (shared with its realtime hub), to look into or empty. */
  caches: Caches;
  /** Where the app counts thread reads: nothing flushes it but a test (`await app.reads.flush()`). */
  reads: ReadRecorder;
  /** The app's settings (the environment's, then the database's). */
  settings: SettingsStore;
  /** The app's request handler: its express application and warm pages (tests that walk every route). */
  handler: AppHandler;
  /** Statements the app's pages and API sent to the database (not the realtime hub's). */
  queries(): number;
  /** Their SQL, in order (the last `limit`, 200 at most kept): what a count that went up added. */
  statements(limit?: number): string[];
  /** A browser-like client with its own cookie jar. */
  client(): HttpClient;
  close(): Promise<void>;
}

/** How a test wants its app: environment variables for loadConfig, and the pool size. */
export interface TestAppOptions {
  /** Merged over the defaults given to loadConfig (RATE_LIMIT_MULTIPLIER: '1' tests the real limits). */
  env?: Record<string, string>;
  /** Connections in the app's pool (the test default is 20; production's is 10). */
  poolMax?: number;
  /** The app's logger (default: silent). */
  log?: Logger;
  /**
   * Another app's database: this app is a second process on it (its own pool, caches and LISTEN
   * connection); closing it leaves the database to its owner.
   */
  databaseOf?: TestDatabase;
  /**
   * Makes the process that makes uploaded images (server/uploads/uploads.worker.ts) for the app's
   * database URL; default none, as createApp's.
   */
  imageWorker?: (databaseUrl: string) => ImageWorker;
  /** Wraps the member feeds the realtime hub reads its members' events through (tests that slow one down). */
  memberFeeds?: (feeds: MemberFeeds) => MemberFeeds;
}

/**
 * Counts the statements kysely runs through a db it is given to (raw SQL too), but the maintenance
 * watch's read: it comes at most every 2 s whatever is asked (backup/backup.maintenance.ts), not
 * with a path, and on a loaded machine fell inside a request a test counted.
 */
class QueryCounter implements KyselyPlugin {
  count = 0;
  readonly recent: RootOperationNode[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (readsMaintenance(args.node)) return args.node;
    this.count++;
    this.recent.push(args.node);
    if (this.recent.length > 200) this.recent.shift();
    return args.node;
  }
  /** The SQL of the last `limit` statements (compiled only when asked). */
  sql(limit: number): string[] {
    const compiler = new PostgresQueryCompiler();
    return (limit > 0 ? this.recent.slice(-limit) : []).map((node) => compiler.compileQuery(node, { queryId: '' }).sql);
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** The maintenance watch's statement: a select from the maintenance table alone. */
function readsMaintenance(node: RootOperationNode): boolean {
  if (!SelectQueryNode.is(node) || node.from?.froms.length !== 1) return false;
  const from = node.from.froms[0]!;
  return TableNode.is(from) && from.table.identifier.name === 'maintenance';
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.databaseOf;
  const database: TestDatabase = shared
    ? { ...shared, db: connect(shared.url, { max: options.poolMax ?? 20 }), drop: async () => undefined }
    : await createTestDatabase({ max: options.poolMax });
  // Tests register and log in far more often than people do: limits are raised unless a test asks.
  const env = {
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    TZ_DISPLAY: 'Asia/Shanghai',
    RATE_LIMIT_MULTIPLIER: '1000',
    // Tests post the same title over and over; the duplicate tests turn the window back on.
    LIMITS_DUPLICATE_MINUTES: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  // The settings registry reads the same variables (LIMITS_REPLY_MEMBER_BURST…), then the
  // database's (the admin console's); the realtime hub's LISTEN connection refreshes them.
  const settings = createSettingsStore(database.db, env, { refreshMs: 0 });
  await settings.refresh();
  const log = options.log ?? createLogger('silent');
  const assets = loadAssets();
  const caches = createCaches();
  const reads = createReadRecorder(database.db, { counted: (thread, count) => caches.threads.counted(thread, count) });
  const counter = new QueryCounter();
  // One set of hot lists for the pages and the realtime hub, as main.ts makes it (the hub's LISTEN keeps it true).
  const hot = createHotLists(database.db, { timeZone: config.displayTimeZone, refreshMs: settings.get('hot.refreshSeconds') * 1000 });
  // The glossaries, as main.ts makes them: read now, and again when the hub's LISTEN hears a change.
  const glossaries = createGlossaryStore(database.db);
  await glossaries.loadAll();
  const app = createApp({
    config,
    settings,
    db: database.db.withPlugin(counter),
    log,
    assets,
    caches,
    reads,
    hot,
    glossaries,
    imageWorker: options.imageWorker?.(database.url),
  });
  const server = http.createServer(app.serverOptions, app);
  answerClientErrors(server, config.displayTimeZone);
  const realtime = attachRealtime(server, {
    db: database.db,
    databaseUrl: database.url,
    timeZone: config.displayTimeZone,
    log,
    site: siteOrigin(config),
    caches,
    memberFeeds: (options.memberFeeds ?? ((feeds) => feeds))(memberFeeds({ timeZone: config.displayTimeZone, caches })),
    hot,
    settings,
    glossaries,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...database,
    baseUrl,
    caches,
    reads,
    settings,
    handler: app,
    queries: () => counter.count,
    statements: (limit = 200) => counter.sql(Math.min(limit, counter.count)),
    client: () => new HttpClient(baseUrl),
    async close() {
      const closed = realtime.close();
      server.closeAllConnections();
      await closed;
      if (shared) await database.db.destroy();
      else await database.drop();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary shapes
}

type Body = { json?: unknown; form?: Record<string, string>; raw?: string | Buffer; contentType?: string };

/** fetch with a cookie jar, no redirects followed, and the response read whole. */
export class HttpClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body: Body = {}, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | Buffer | undefined;
    if (body.json !== undefined) {
      payload = JSON.stringify(body.json);
      h['content-type'] = 'application/json';
    } else if (body.form) {
      payload = new URLSearchParams(body.form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    } else if (body.raw !== undefined) {
      payload = body.raw;
      if (body.contentType) h['content-type'] = body.contentType;
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request('GET', path, {}, headers);
  }
  post(path: string, json?: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', path, json === undefined ? {} : { json }, headers);
  }
  postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request('POST', path, { form }, headers);
  }
}
