import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Announcement } from '../events/thread-events';
import type { Logger } from '../log';
import { countEventDelivered } from '../metrics/metrics';
import type { BoardFeed } from './realtime.boards';
import { type Renderer, loadEvents } from './realtime.render';
import { type RealtimeServer, emitThreadEvent, readersHere, threadVariantRoom, variantsWithReaders } from './realtime.rooms';

/**
 * Ordered per-thread delivery. Each announced event is read back from thread_events in seq order,
 * rendered once per variant that has readers on this process, and emitted to that room; new posts
 * also go to the board's index readers. This process remembers, per thread read here, the last seq
 * its rooms got (the delivered marker), so an announcement that arrives late, out of order or not
 * at all is made up by the next one, and by `resume` after the LISTEN connection comes back.
 * Clients drop any seq they already have, so nothing is shown twice.
 */
export class ThreadDelivery {
  /** The last seq delivered to this process's rooms, per thread being read here. */
  private readonly delivered = new Map<string, number>();
  /** Per thread, its last pending job: the next one starts after it, so events go out in order. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly io: RealtimeServer,
    private readonly db: Kysely<Database>,
    private readonly render: Renderer,
    private readonly boards: BoardFeed,
    private readonly log: Logger,
  ) {}

  /** Delivers an announced event, after whatever of its thread this process has not delivered yet. */
  announced(a: Announcement): void {
    this.enqueue(a.threadId, () => this.deliver(a.threadId, a.seq, a));
  }

  /**
   * A socket joined the thread's rooms when the thread was at `seq`: live delivery for a first
   * reader here starts there. (With readers already here, the marker is theirs and up to date.)
   */
  joined(threadId: string, seq: number): void {
    const marker = this.delivered.get(threadId);
    if (marker === undefined || readersHere(this.io, threadId) <= 1) this.delivered.set(threadId, Math.max(seq, marker ?? 0));
  }

  /** The LISTEN connection is back: every thread read here gets what was committed meanwhile. */
  resume(): void {
    for (const [threadId, seq] of this.delivered) this.enqueue(threadId, () => this.deliver(threadId, seq + 1));
  }

  private enqueue(threadId: string, job: () => Promise<void>): void {
    const next = (this.queues.get(threadId) ?? Promise.resolve()).then(job).catch((err: Error) => {
      this.log.warn({ err: err.message, threadId }, 'realtime: delivery failed; readers will catch up');
    });
    this.queues.set(threadId, next);
    void next.then(() => {
      if (this.queues.get(threadId) === next) this.queues.delete(threadId);
    });
  }

  /**
   * Sends the thread's readers here every event after their marker (or from `seq`, for a thread
   * nobody here has been reading), up to the newest.
   */
  private async deliver(threadId: string, seq: number, announced?: Announcement): Promise<void> {
    const variants = variantsWithReaders(this.io, (v) => threadVariantRoom(threadId, v));
    if (variants.length === 0) {
      // Nobody here reads the thread: forget where it was (a later reader starts afresh), and
      // tell the board's readers, if any, about a new post.
      this.delivered.delete(threadId);
      if (announced?.kind === 'post:new' && this.boards.hasReaders(announced.boardId)) await this.deliverToBoard(threadId, seq);
      return;
    }
    let after = this.delivered.get(threadId) ?? seq - 1;
    for (let more = true; more;) {
      const page = await loadEvents(this.db, threadId, after);
      for (const e of page.events) {
        for (const v of variants) emitThreadEvent(this.io.to(threadVariantRoom(threadId, v)), this.render.event(threadId, e, v));
        countEventDelivered(e.kind, e.at);
        if (e.kind === 'post:new') this.boards.publish(e);
        this.delivered.set(threadId, e.seq);
        after = e.seq;
      }
      more = page.more && page.events.length > 0;
    }
  }

  /** The one announced event, for board readers alone. */
  private async deliverToBoard(threadId: string, seq: number): Promise<void> {
    const { events } = await loadEvents(this.db, threadId, seq - 1, { until: seq, limit: 1 });
    for (const e of events) if (e.kind === 'post:new') this.boards.publish(e);
  }
}
