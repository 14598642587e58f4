import { createBoard } from '../server/boards/boards.service';
import { type Member, createMember } from '../server/members/members.service';
import type { Dataset } from './datasets';
import { seedThread } from './seed';
import { type PlannedReply, cjkTitle, planThread, randomBody, seededRandom } from './shape';

/**
 * The reading section's dataset (bench/reading.ts): threads of 10, 1,000, 10,000 and 100,000
 * follow-ups shaped by bench/shape.ts, a deep post inside the biggest and a depth-50 chain, built
 * once into a template database and cloned for each run (bench/datasets.ts).
 */

export const DATABASE = 'gentie_bench_reading';
export const PASSWORD = 'bench password 跟帖';
const SIZES = [10, 1000, 10000, 100000] as const;
export type Size = (typeof SIZES)[number];

/** What the dataset's build tells each run. */
export interface ReadingManifest {
  authors: string[];
  board: string;
  threads: Record<`${Size}`, { rootId: string; maxDepth: number }>;
  /** A post deep inside the 100,000 thread with a big subtree of its own. */
  deep: { id: string; depth: number; subtree: number };
  /** A chain of 50 follow-ups, each answering the one before. */
  chain: { rootId: string; leafId: string };
}

/** Each post's subtree size (itself included), by its position in the thread (0 is the root). */
function subtreeSizes(plan: PlannedReply[]): number[] {
  const sizes = new Array<number>(plan.length + 1).fill(1);
  for (let i = plan.length; i >= 1; i--) sizes[plan[i - 1]!.parent]! += sizes[i]!;
  return sizes;
}

export const READING_DATASET: Dataset<ReadingManifest> = {
  name: 'reading',
  version: 1,
  plan: { sizes: SIZES, seeds: 'size', authors: 20, chain: 50, deep: 'depth ≥ 10, biggest subtree' },
  async build(db, say) {
    const authors: Member[] = [];
    for (let i = 1; i <= 20; i++) authors.push(await createMember(db, { username: `跟帖客${i}`, password: PASSWORD }));
    await createBoard(db, { slug: 'bench', name: '壓力測試', description: 'npm run bench -- reading' });
    const random = seededRandom(13);
    const threads = {} as ReadingManifest['threads'];
    let deep: ReadingManifest['deep'] | undefined;
    for (const size of SIZES) {
      const plan = planThread(size, seededRandom(size), authors.length);
      const seeded = await seedThread(db, {
        boardSlug: 'bench',
        authors,
        plan,
        random,
        onProgress: (done) => (done % 10000 === 0 || done === size) && size >= 10000 && say(`${size}-follow-up thread: ${done}/${size}`),
      });
      threads[`${size}`] = { rootId: seeded.rootId, maxDepth: seeded.maxDepth };
      if (size === 100000) {
        const sizes = subtreeSizes(plan);
        let best = -1;
        for (let i = 1; i <= plan.length; i++) if (plan[i - 1]!.depth >= 10 && (best < 0 || sizes[i]! > sizes[best]!)) best = i;
        deep = { id: seeded.ids[best]!, depth: plan[best - 1]!.depth, subtree: sizes[best]! - 1 };
      }
    }
    const chainPlan: PlannedReply[] = Array.from({ length: 50 }, (_, i) => ({
      parent: i,
      depth: i + 1,
      title: cjkTitle(random),
      body: randomBody(random),
      author: i % 2,
    }));
    const chain = await seedThread(db, { boardSlug: 'bench', authors, plan: chainPlan, random, onProgress: () => undefined });
    return {
      authors: authors.map((a) => a.name),
      board: 'bench',
      threads,
      deep: deep!,
      chain: { rootId: chain.rootId, leafId: chain.ids.at(-1)! },
    };
  },
};
