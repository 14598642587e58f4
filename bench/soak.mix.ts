import type { Random } from './shape';

/**
 * Where the soak's writers write and its readers read (bench/soak.ts), in one of two mixes:
 *
 * - `spread` (the default): as a busy board sees it. New threads keep coming (the mix's "new
 *   thread" requests), and each joins the threads people reply to and read; replies go to a hot
 *   few (the threads the live readers follow) and otherwise to threads picked by recency with a
 *   long tail (Zipf over the newest first: the newest thread is picked twice as often as the
 *   second, three times as often as the third…), and answer the thread's root or one of its
 *   recent follow-ups, so conversations nest as they do on the source boards. Readers open the
 *   followed threads half the time, else threads by the same recency.
 * - `followed` (`--mix followed`, the soak as first written): every reply answers the root of one
 *   of the followed threads, and readers open the threads seeded before the run, uniformly. Ten
 *   minutes of it at 200 requests/s make twenty threads of 700 posts each, gaining a post a
 *   second: no forum's hottest thread does that for ten minutes.
 */
export type WriteMix = 'spread' | 'followed';

/** Share of replies, and of thread reads, that go to the followed threads in the spread mix. */
const FOLLOWED_REPLIES = 0.3;
const FOLLOWED_READS = 0.5;
/** Share of replies that answer the thread's root rather than one of its recent follow-ups. */
const ROOT_REPLIES = 0.4;
/** Threads (newest first) the spread mix picks among, and recent follow-ups kept per thread. */
const ACTIVE_THREADS = 1000;
const RECENT_POSTS = 20;

export interface MixThread {
  id: string;
  board: string;
}

export class ThreadMix {
  /** Newest last. */
  private readonly all: MixThread[];
  private readonly seededCount: number;
  private readonly recent = new Map<string, string[]>();
  private harmonic: number[] = [];

  constructor(
    readonly mix: WriteMix,
    private readonly random: Random,
    seeded: MixThread[],
    private readonly followed: MixThread[],
  ) {
    this.all = [...seeded];
    this.seededCount = seeded.length;
  }

  /** The thread a reply goes to and the post it answers. */
  replyTarget(): { thread: string; parent: string } {
    if (this.mix === 'followed') {
      const thread = this.pickFrom(this.followed).id;
      return { thread, parent: thread };
    }
    const thread = this.random() < FOLLOWED_REPLIES ? this.pickFrom(this.followed).id : this.byRecency().id;
    const posts = this.recent.get(thread);
    const parent = !posts?.length || this.random() < ROOT_REPLIES ? thread : this.pickFrom(posts);
    return { thread, parent };
  }

  /** The thread a reader opens. */
  readTarget(): MixThread {
    if (this.mix === 'followed') return this.pickFrom(this.all.slice(0, this.seededCount));
    return this.random() < FOLLOWED_READS ? this.pickFrom(this.followed) : this.byRecency();
  }

  /** A thread written during the run: the spread mix replies to it and reads it from now on. */
  threadWritten(thread: MixThread): void {
    if (this.mix === 'spread') this.all.push(thread);
  }

  /** A follow-up written during the run, which later replies may answer. */
  replyWritten(thread: string, postId: string): void {
    const posts = this.recent.get(thread) ?? [];
    posts.push(postId);
    if (posts.length > RECENT_POSTS) posts.shift();
    this.recent.set(thread, posts);
  }

  private pickFrom<T>(items: T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** Zipf (s = 1) over the newest ACTIVE_THREADS, newest first. */
  private byRecency(): MixThread {
    const n = Math.min(ACTIVE_THREADS, this.all.length);
    while (this.harmonic.length < n) this.harmonic.push((this.harmonic.at(-1) ?? 0) + 1 / (this.harmonic.length + 1));
    const target = this.random() * this.harmonic[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.harmonic[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return this.all[this.all.length - 1 - lo]!;
  }
}
