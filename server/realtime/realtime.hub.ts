import type http from 'node:http';
import type { Kysely } from 'kysely';
import { Server } from 'socket.io';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { MEMBER_EVENTS_CHANNEL, parseMemberAnnouncement } from '../events/member-events';
import { THREAD_EVENTS_CHANNEL, parseAnnouncement } from '../events/thread-events';
import { THREAD_READS_CHANNEL, parseReadCounts } from '../reads/reads.repository';
import { type SiteOrigin, fromOwnSite } from '../http/origin';
import type { Logger } from '../log';
import { type HotLists, createHotLists } from '../posts/posts.hot';
import { countEventHeard, watchSockets } from '../metrics/metrics';
import { BoardFeed } from './realtime.boards';
import { HotFeed } from './realtime.hot';
import { ThreadDelivery } from './realtime.delivery';
import { attachGateway } from './realtime.gateway';
import { listen } from './realtime.listener';
import { MemberDelivery, type MemberFeeds } from './realtime.members';
import { Presence, READERS_CHANNEL } from './realtime.presence';
import { renderer } from './realtime.render';
import { type RealtimeServer, threadOfRoom } from './realtime.rooms';
import type { SettingsStore } from '../settings/settings';
import { BOARD_CHANGE_PREFIX, SETTINGS_CHANNEL } from '../settings/settings.repository';
import { SEARCH_INDEX_CHANNEL } from '../events/search-index';
import { GLOSSARY_CHANNEL, type GlossaryStore } from '../glossary/glossary.store';

/**
 * Live threads and boards. Readers join a thread (or a board's index) in a variant; every process
 * LISTENs for the thread events PostgreSQL announces on commit and hands them to ordered per-thread
 * delivery (realtime.delivery.ts), which reads them from thread_events and emits them rendered per
 * variant, new posts to board readers too (realtime.boards.ts). Reader counts travel between
 * processes on a second channel (realtime.presence.ts); the socket gateway (realtime.gateway.ts)
 * takes what clients ask. Catch-up after a reconnect or a gap reads the same table, so a reader
 * never misses an event; clients drop any seq they already have, so none is shown twice.
 */

/**
 * The thread events that can change a hot list: follow-ups counted or no longer counted, a title
 * edited, a thread locked or unlocked. (Pins, 加精 and slow mode change nothing on it.)
 */
const HOT_KINDS = new Set<string>(['post:new', 'post:edit', 'post:delete', 'post:restore', 'thread:lock', 'thread:unlock']);

/** The running realtime server. */
export interface Realtime {
  readonly io: RealtimeServer;
  close(): Promise<void>;
}

/** What the realtime server needs. */
export interface RealtimeDeps {
  db: Kysely<Database>;
  /** Connection URL for the LISTEN connection (the same database as `db`). */
  databaseUrl: string;
  timeZone: string;
  log: Logger;
  /** The site's own origin: handshakes from any other Origin are refused. */
  site: SiteOrigin;
  /**
   * The app's caches (createApp's): converted posts are shared with the pages, and what this
   * process knows of each thread's version (threads) is kept true by this LISTEN connection.
   */
  caches: Pick<Caches, 'conversions'> & Partial<Pick<Caches, 'threads' | 'searches'>>;
  /** How each feature reads its member events (messages, notifications) for their member: see realtime.members.ts. */
  memberFeeds?: MemberFeeds;
  /**
   * The hot threads kept in memory (posts/posts.hot.ts), shared with the app's pages (main.ts): this
   * hub's LISTEN connection tells them when threads change, and pushes the changed lists to their
   * readers (realtime.hot.ts). Default: a set of its own, refreshed at most every 5 s.
   */
  hot?: HotLists;
  /**
   * The process's settings (server/settings/): read again when a change is announced on
   * SETTINGS_CHANNEL, and when the LISTEN connection comes back (a change may have gone unheard).
   */
  settings?: Pick<SettingsStore, 'refresh'>;
  /**
   * The process's glossaries (glossary/glossary.store.ts): one read again when its change is
   * announced on GLOSSARY_CHANNEL, all of them when the LISTEN connection comes back.
   */
  glossaries?: Pick<GlossaryStore, 'refresh' | 'loadAll'>;
  /** Called when any process announces a board change (announceBoardChange): the app drops the pages it kept. */
  boardsChanged?: () => void;
}

/** Starts socket.io on the HTTP server, with live delivery, reader counts and the gateway. */
export function attachRealtime(server: http.Server, deps: RealtimeDeps): Realtime {
  const { db, log } = deps;
  const io: RealtimeServer = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: 10_000,
    // Writes go over HTTP; sockets only push. No cross-origin clients: a page on another site
    // could otherwise open a socket in a visitor's browser and read what is pushed to them.
    cors: undefined,
    allowRequest: (req, callback) =>
      callback(fromOwnSite(req, deps.site) ? null : 'cross-origin socket refused', fromOwnSite(req, deps.site)),
  });
  const render = renderer(deps.timeZone, deps.caches.conversions);
  const presence = new Presence(io, db);
  const boards = new BoardFeed(io, db, render, log);
  const delivery = new ThreadDelivery(io, db, render, boards, log);
  const members = new MemberDelivery(io, db, deps.memberFeeds ?? {}, log);
  const hot = new HotFeed(io, deps.hot ?? createHotLists(db, { timeZone: deps.timeZone, refreshMs: 5000 }), deps.caches.conversions, log);
  const threads = deps.caches.threads;
  const searches = deps.caches.searches;
  const refreshSettings = () =>
    deps.settings?.refresh().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'settings: cannot read them again'));

  const refreshGlossary = (scope: string) =>
    deps.glossaries?.refresh(scope).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'glossaries: cannot read one again'));

  const listener = listen(
    deps.databaseUrl,
    [
      THREAD_EVENTS_CHANNEL,
      READERS_CHANNEL,
      MEMBER_EVENTS_CHANNEL,
      THREAD_READS_CHANNEL,
      SETTINGS_CHANNEL,
      GLOSSARY_CHANNEL,
      SEARCH_INDEX_CHANNEL,
    ],
    {
      onNotify(channel, payload) {
        if (channel === SETTINGS_CHANNEL) {
          if (!payload.startsWith(BOARD_CHANGE_PREFIX)) return void refreshSettings();
          // A board renamed or (un)archived: the pages kept of its threads change, and the site's hot list.
          deps.boardsChanged?.();
          return hot.changed();
        }
        if (channel === GLOSSARY_CHANNEL) return void refreshGlossary(payload);
        if (channel === SEARCH_INDEX_CHANNEL) return searches?.clear();
        if (channel === READERS_CHANNEL) return presence.heard(payload);
        if (channel === THREAD_READS_CHANNEL) {
          for (const heard of parseReadCounts(payload)) threads?.counted(heard.threadId, heard.readCount);
          // Reads order hot threads of equal heat, and the lists show them.
          return hot.changed();
        }
        if (channel === MEMBER_EVENTS_CHANNEL) {
          const heard = parseMemberAnnouncement(payload);
          return heard && members.heard(heard);
        }
        const announcement = parseAnnouncement(payload);
        if (!announcement) return;
        countEventHeard();
        threads?.heard(announcement.threadId, announcement.seq);
        searches?.heard(announcement.postId, announcement.seq);
        boards.heard(announcement);
        delivery.announced(announcement);
        if (HOT_KINDS.has(announcement.kind)) hot.changed();
      },
      onLost() {
        threads?.linkLost();
        searches?.linkLost();
        boards.linkLost();
      },
      onConnect() {
        void refreshSettings();
        deps.glossaries?.loadAll().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'glossaries: cannot read them again'));
        // Whatever was known before the link dropped may have changed unheard: learnt afresh.
        threads?.linkUp();
        searches?.linkUp();
        hot.changed();
        // Back after the link dropped or the database restarted: what was committed meanwhile goes out now.
        delivery.resume();
        void boards.linkBack();
      },
    },
    log,
  );

  attachGateway(io, {
    db,
    render,
    delivery,
    presence,
    boards,
    members,
    hot,
    log,
    timeZone: deps.timeZone,
    conversions: deps.caches.conversions,
  });
  // Read when the metrics are scraped: connections, and the thread rooms (t:<id>) with their readers.
  const unwatch = watchSockets({
    connections: () => io.engine.clientsCount,
    threads: () => {
      let threads = 0;
      let readers = 0;
      for (const [room, members] of io.sockets.adapter.rooms) {
        if (threadOfRoom(room) === undefined) continue;
        threads++;
        readers += members.size;
      }
      return { threads, readers };
    },
  });

  return {
    io,
    async close() {
      unwatch();
      presence.close();
      boards.close();
      hot.close();
      await listener.close();
      await io.close();
    },
  };
}
