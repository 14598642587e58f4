import type { TextCache } from '../caches';
import type { Logger } from '../log';
import { HOT_KEEP, type HotList, type HotLists, type HotPeriod, hotInVariant, presentHot } from '../posts/posts.hot';
import { type HotContext, hotListHtml } from '../posts/posts.hot.views';
import { VARIANTS } from '../text/convert';
import { catalogFor } from '../views/layout';
import type { HotUpdateEvent } from './realtime.events';
import type { V } from './realtime.render';
import { type GentieSocket, type RealtimeServer, variantsWithReaders } from './realtime.rooms';

/**
 * Live hot lists (十大) for the readers of `/` and of each board's page. A reader joins a list
 * (hot:join: the site's or a board's, today or this week) in a variant: room
 * `h:<boardId|site>:<period>:<variant>`. Every thread event and read count this process hears over
 * LISTEN (every process hears every one) marks the kept lists out of date (posts.hot.ts) and
 * schedules a refresh: at most one per HotLists.refreshMs (HOT_REFRESH_SECONDS), and only while
 * someone here follows a list. The refresh recomputes each period's lists once (one statement for
 * every board) and sends each followed list whose threads, counts or titles changed to its rooms,
 * rendered once per variant with the page's own partial. A slow tick also catches the lists that
 * change with no event: the day or week rolling over, a list older than HOT_MAX_AGE_MS.
 */

/** The room of a hot list's readers in one variant. */
export const hotRoom = (boardId: string | null, period: HotPeriod, v: V) => `h:${boardId ?? 'site'}:${period}:${v}`;

/** How often lists are looked at with no event heard (their window may have ended). */
const TICK_MS = 30_000;
/** How soon a refresh that failed is tried again. */
const RETRY_MS = 5_000;

interface Followed {
  board: { id: string; slug: string; name: string } | null;
  period: HotPeriod;
}

/** What a reader sees of a list: a list whose signature is unchanged is not sent again. */
function signature(list: HotList): string {
  return JSON.stringify(
    list.threads.map((t) => [
      t.threadId,
      t.root.revision,
      t.root.title,
      t.repliers,
      t.starterReplied,
      t.readCount,
      t.author.name,
      t.board.name,
    ]),
  );
}

export class HotFeed {
  /** The lists followed on this process, by `boardId|site:period`. */
  private readonly followed = new Map<string, Followed>();
  /** The signature of what each followed list's readers were last sent. */
  private readonly shown = new Map<string, string>();
  private readonly contexts: Map<V, HotContext>;
  private timer: NodeJS.Timeout | undefined;
  private readonly tick: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly io: RealtimeServer,
    private readonly hot: HotLists,
    private readonly conversions: TextCache,
    private readonly log: Logger,
  ) {
    const context = (variant: (typeof VARIANTS)[number] | undefined): HotContext => ({
      t: catalogFor(variant).t,
      prefix: variant ? `/${variant}` : '',
    });
    this.contexts = new Map<V, HotContext>([['original', context(undefined)], ...VARIANTS.map((v) => [v, context(v)] as const)]);
    this.tick = setInterval(() => this.schedule(), TICK_MS);
    this.tick.unref();
  }

  /** Puts a socket among a hot list's readers, and sends it the list as it is now (it may have changed since its page). */
  async follow(socket: GentieSocket, board: Followed['board'], period: HotPeriod, v: V): Promise<void> {
    const key = `${board?.id ?? 'site'}:${period}`;
    this.followed.set(key, { board, period });
    await socket.join(hotRoom(board?.id ?? null, period, v));
    const list = await this.hot.list({ board, period, limit: HOT_KEEP });
    // The first reader of a list here has just been sent what it is: later refreshes compare with that.
    if (!this.shown.has(key)) this.shown.set(key, signature(list));
    socket.emit('hot:update', this.render(list, v));
  }

  /** A thread changed somewhere (or read counts did): the lists may have; refreshed within refreshMs. */
  changed(): void {
    this.hot.changed();
    this.schedule();
  }

  /** Stops the timers. */
  close(): void {
    this.closed = true;
    clearInterval(this.tick);
    if (this.timer) clearTimeout(this.timer);
  }

  /** Sets the refresh for when the first followed period is due (posts.hot.ts dueIn); none while all are up to date. */
  private schedule(): void {
    if (this.closed || this.timer || this.followed.size === 0) return;
    const waits = [...new Set([...this.followed.values()].map((f) => f.period))].flatMap((p) => this.hot.dueIn(p) ?? []);
    if (waits.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.refresh();
      },
      Math.min(...waits),
    );
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    // One refresh at a time; whatever is still out of date after it (a change heard meanwhile) is scheduled again.
    if (this.running) return;
    let failed = false;
    this.running = this.sendChanged()
      .catch((err: unknown) => {
        failed = true;
        this.log.warn({ err: (err as Error).message }, 'realtime: hot lists could not be refreshed; trying again shortly');
      })
      .finally(() => {
        this.running = undefined;
        // After a failure (the database restarting), not at once: a while later.
        if (!failed) return this.schedule();
        if (this.closed || this.timer) return;
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.schedule();
        }, RETRY_MS);
        this.timer.unref();
      });
    await this.running;
  }

  private async sendChanged(): Promise<void> {
    for (const [key, { board, period }] of this.followed) {
      const room = (v: V) => hotRoom(board?.id ?? null, period, v);
      const variants = variantsWithReaders(this.io, room);
      if (variants.length === 0) {
        this.followed.delete(key);
        this.shown.delete(key);
        continue;
      }
      // Cheap when nothing changed: the period's snapshot is kept (posts.hot.ts).
      const list = await this.hot.list({ board, period, limit: HOT_KEEP });
      const sig = signature(list);
      if (this.shown.get(key) === sig) continue;
      this.shown.set(key, sig);
      for (const v of variants) this.io.to(room(v)).emit('hot:update', this.render(list, v));
    }
  }

  /** The list for readers of a variant: titles converted, and its markup. */
  private render(list: HotList, v: V): HotUpdateEvent {
    const shown = hotInVariant(this.conversions, list, v === 'original' ? undefined : v);
    return { ...presentHot(shown), html: hotListHtml(this.contexts.get(v)!, shown) };
  }
}
