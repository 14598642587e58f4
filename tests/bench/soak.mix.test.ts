import { ThreadMix } from '../../bench/soak.mix';
import { seededRandom } from '../../bench/shape';

// Where the soak's replies go (bench/soak.mix.ts): spread over old and new threads with a hot
// few, nesting under recent follow-ups; or, as first written, all on the followed threads' roots.

const threads = Array.from({ length: 30 }, (_, i) => ({ id: String(1000 + i), board: 'b' }));
const followed = threads.slice(0, 20);

describe("the soak's write mix", () => {
  it('spreads replies over new and old threads, a hot few taking the most, nested under recent follow-ups', () => {
    const mix = new ThreadMix('spread', seededRandom(7), threads, followed);
    const counts = new Map<string, number>();
    let nested = 0;
    for (let i = 0; i < 12_000; i++) {
      // A new thread every sixth write, as the mix's 2 new threads to 12 replies.
      if (i % 6 === 0) mix.threadWritten({ id: String(5000 + i), board: 'b' });
      const { thread, parent } = mix.replyTarget();
      if (parent !== thread) nested++;
      mix.replyWritten(thread, String(100_000 + i));
      counts.set(thread, (counts.get(thread) ?? 0) + 1);
    }
    const followedShare = followed.reduce((n, t) => n + (counts.get(t.id) ?? 0), 0) / 12_000;
    expect(followedShare).toBeGreaterThan(0.25);
    expect(followedShare).toBeLessThan(0.4);
    // Most threads written during the run got replies; the busiest took far less than a followed
    // thread did in the old mix (1/20 of every reply).
    expect(counts.size).toBeGreaterThan(1000);
    expect(Math.max(...counts.values()) / 12_000).toBeLessThan(0.05);
    expect(nested / 12_000).toBeGreaterThan(0.4);
    const reads = new Set(Array.from({ length: 2000 }, () => mix.readTarget().id));
    expect(reads.size).toBeGreaterThan(200);
  });

  it('sends every reply to a followed root in the old mix, and reads only the seeded threads', () => {
    const mix = new ThreadMix('followed', seededRandom(7), threads, followed);
    mix.threadWritten({ id: '9999', board: 'b' });
    for (let i = 0; i < 500; i++) {
      mix.replyWritten('1000', String(100_000 + i));
      const { thread, parent } = mix.replyTarget();
      expect(parent).toBe(thread);
      expect(followed.map((t) => t.id)).toContain(thread);
      expect(threads.map((t) => t.id)).toContain(mix.readTarget().id);
    }
  });
});
