import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Announcement } from '../events/thread-events';
import type { Logger } from '../log';
import * as posts from '../posts/posts.events.repository';
import { type LoadedPostEvent, type Renderer, type V, loadedPostEvent } from './realtime.render';
import { type GentieSocket, type RealtimeServer, boardRoom, variantsWithReaders } from './realtime.rooms';

/**
 * How far back a catch-up looks before the moment the LISTEN connection was lost. A post's event
 * is stamped with its transaction's start (now()), and it is announced at commit: a post whose
 * transaction started before the loss but committed while the link was down is found only if the
 * window reaches back past that start. A minute covers any write transaction by far, and any clock
 * difference between the app and the database that would not break much else first.
 */
export const BOARD_CATCH_UP_MARGIN_MS = 60_000;
/** The most posts one board catch-up sends: an index shows far fewer, and readers can reload. */
export const BOARD_CATCH_UP_LIMIT = 200;
/** How soon a catch-up that failed (the database was not quite back) is tried again. */
const RETRY_MS = 1000;

/**
 * Board index readers (room `b:<boardId>:<variant>`): each new thread and follow-up on the board
 * goes to them once, rendered in their variant. Thread delivery hands every post:new it reads to
 * `publish`; when the LISTEN connection was lost, `catchUp` sends what was written on the boards
 * with readers here meanwhile, in one query. Board events carry no seq a client could resume from,
 * so the server dedupes: for a while it remembers which post:new events (thread and seq) it heard
 * announced, and which it sent; a catch-up skips both, and nothing is sent twice.
 */
export class BoardFeed {
  /** The slug of each board followed on this process (board:join is the only way into a board room). */
  private readonly slugs = new Map<string, string>();
  /** post:new events announced to this process (`thread:seq` → when, oldest first): the live path had them. */
  private readonly heardOf = new Map<string, number>();
  /** post:new events sent to board readers here (`thread:seq` → when, oldest first). */
  private readonly sent = new Map<string, number>();
  /** When the LISTEN connection was lost; undefined while it is up and caught up. */
  private lostAt: number | undefined;
  /** True from a loss until the connection is back: a retry then waits for `linkBack`. */
  private down = false;
  /** The loss a catch-up in progress answers for: what was sent since must be remembered until it ends. */
  private catchingUp: number | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: RealtimeServer,
    private readonly db: Kysely<Database>,
    private readonly render: Renderer,
    private readonly log: Logger,
  ) {}

  /** Puts a socket among a board's index readers, in a variant. */
  async follow(socket: GentieSocket, board: { id: string; slug: string }, v: V): Promise<void> {
    this.slugs.set(board.id, board.slug);
    await socket.join(boardRoom(board.id, v));
  }

  /** True when the board has index readers on this process. */
  hasReaders(boardId: string): boolean {
    return variantsWithReaders(this.io, (v) => boardRoom(boardId, v)).length > 0;
  }

  /** Notes an announcement: a catch-up will not send its post again. */
  heard(a: Announcement): void {
    if (a.kind === 'post:new') this.remember(this.heardOf, `${a.threadId}:${a.seq}`);
  }

  /** Sends a new thread or follow-up to its board's readers here, unless it went out already. */
  publish(e: LoadedPostEvent<'post:new'>): void {
    const { boardId, threadId } = e.post;
    const variants = variantsWithReaders(this.io, (v) => boardRoom(boardId, v));
    const key = `${threadId}:${e.seq}`;
    if (variants.length === 0 || this.sent.has(key)) return;
    this.remember(this.sent, key);
    const boardSlug = this.slugs.get(boardId) ?? '';
    for (const v of variants) this.io.to(boardRoom(boardId, v)).emit('board:activity', { ...this.render.post(threadId, e, v), boardSlug });
  }

  /** The LISTEN connection is gone: announcements from now on are lost until `linkBack`. */
  linkLost(): void {
    this.down = true;
    this.lostAt ??= Date.now();
  }

  /**
   * The LISTEN connection is back: sends the board readers here what was written on their boards
   * since shortly before the link was lost (BOARD_CATCH_UP_MARGIN_MS), oldest first, skipping what
   * they already got.
   */
  async linkBack(): Promise<void> {
    this.down = false;
    await this.catchUp();
  }

  private async catchUp(): Promise<void> {
    const lostAt = this.lostAt;
    if (lostAt === undefined || this.down) return;
    this.lostAt = undefined;
    const boardIds = [...this.slugs.keys()].filter((id) => this.hasReaders(id));
    if (boardIds.length === 0) return;
    this.catchingUp = Math.min(lostAt, this.catchingUp ?? lostAt);
    try {
      const rows = await posts.findNewPostsOnBoards(this.db, boardIds, new Date(lostAt - BOARD_CATCH_UP_MARGIN_MS), BOARD_CATCH_UP_LIMIT);
      for (const row of rows.reverse()) if (!this.heardOf.has(`${row.thread_id}:${row.seq}`)) this.publish(loadedPostEvent(row));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'realtime: board catch-up failed; trying again');
      this.lostAt = Math.min(lostAt, this.lostAt ?? lostAt);
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        void this.catchUp();
      }, RETRY_MS);
    } finally {
      if (this.catchingUp === lostAt) this.catchingUp = undefined;
    }
  }

  /** Stops a pending retry. */
  close(): void {
    if (this.retry) clearTimeout(this.retry);
  }

  private remember(events: Map<string, number>, key: string): void {
    events.set(key, Date.now());
    // An event heard or sent before (loss - margin) cannot be in a catch-up's answer: it is older
    // than the window. Keep twice the margin, for the difference between the app's and the
    // database's clocks; during an outage and its catch-up, counted from the loss, not from now.
    const keepFrom = Math.min(Date.now(), this.lostAt ?? Infinity, this.catchingUp ?? Infinity) - 2 * BOARD_CATCH_UP_MARGIN_MS;
    for (const [k, at] of events) {
      if (at >= keepFrom) break;
      events.delete(k);
    }
  }
}
