/**
 * `npm run bench -- limits`: what the posting limits add to a follow-up, timed directly against
 * the same follow-up without them, interleaved in one run (docs/performance.md). Both write a
 * follow-up through the posts service (`reply`: checks, its transaction, the post read back); one
 * is paced as a request is (the member's two windows and their address's two, spent in one
 * statement on the shared limiter, alongside the transaction), the other not. The limits are
 * raised so nothing is refused: the statement is the same either way. Target: ≤ 1.10. For
 * comparison, the same run also times the limits spent before the follow-up (in sequence), the
 * duplicate check alone, and an established member's follow-up on a board whose new members'
 * posts are held for review against one on a board without review (target ≤ 1.10 too).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createBoard } from '../server/boards/boards.service';
import { connect, withDatabase } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { migrateToLatest } from '../server/db/migrate';
import { createLimiter } from '../server/limits/limiter';
import { createPacing, unpaced } from '../server/limits/paced';
import { createMember } from '../server/members/members.service';
import { createThread, reply } from '../server/posts/posts.service';
import { defaultSettings } from '../server/settings/settings';
import { type PairFigure, interleave } from './notifications';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.limits.json');
const DATABASE = 'gentie_bench_limits';

/** The section alone: its own database on the bench's embedded server, figures printed and saved. */
export async function runLimitsBench(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  const admin = new pg.Client({ connectionString: embedded.url });
  await admin.connect();
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.query(`create database ${DATABASE}`);
  await admin.end();
  const db = connect(withDatabase(embedded.url, DATABASE));
  try {
    await migrateToLatest(db);
    const settings = defaultSettings();
    const pacing = createPacing(db, createLimiter(db, { rateLimitMultiplier: 1_000_000 }, settings), settings);
    const created = await createMember(db, { username: '回覆者', password: 'bench password 跟帖' });
    // As a session finds the member: with the account's age and trust, so pacing reads no row for
    // it once it has seen them past the threshold of posts.
    const member = { ...created, joinedAt: new Date(Date.now() - 30 * 86400_000), trust: 'auto' as const };
    await createBoard(db, { slug: 'limits', name: '限制測試' });
    const root = await createThread(db, member, 'limits', { title: '主題' }, unpaced);
    let n = 0;
    const figure: PairFigure = await interleave(
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, pacing(member, '203.0.113.9')),
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, unpaced),
      1.1,
    );
    // For comparison, in the same run: the limits spent first, then the follow-up (one more round trip on its path).
    const pace = pacing(member, '203.0.113.9');
    const before: PairFigure = await interleave(
      async () => {
        await pace('reply');
        return reply(db, member, root.id, { title: `跟帖 ${n++}` }, unpaced);
      },
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, unpaced),
      1.1,
    );
    // What the duplicate check adds by itself (it rides in the reply's insert statement): the same
    // follow-up, unpaced, with and without a duplicate window. Every title differs, so none is refused.
    const checked = Object.assign(() => unpaced('reply'), { duplicateSeconds: settings.get('limits.duplicateMinutes') * 60 });
    const duplicates: PairFigure = await interleave(
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, checked),
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, unpaced),
      1.1,
    );
    // What a board's review setting adds for an established member (never held): the board's setting
    // rides in the reply's first statement, and the pace's answer is awaited before the write instead
    // of after it. The same paced follow-up on a board with review 'new' and on one with it off.
    const trustedMember = await createMember(db, { username: '老會員', password: 'bench password 跟帖' });
    await db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', trustedMember.id).execute();
    const established = { ...trustedMember, joinedAt: new Date(Date.now() - 30 * 86400_000), trust: 'trusted' as const };
    const reviewed = await createBoard(db, { slug: 'limits-review', name: '審核版' });
    await db.updateTable('boards').set({ review: 'new' }).where('id', '=', reviewed.id).execute();
    const reviewedRoot = await createThread(db, established, 'limits-review', { title: '審核版主題' }, unpaced);
    const openRoot = await createThread(db, established, 'limits', { title: '不審核的主題' }, unpaced);
    const review: PairFigure = await interleave(
      () => reply(db, established, reviewedRoot.id, { title: `跟帖 ${n++}` }, pacing(established, '203.0.113.10')),
      () => reply(db, established, openRoot.id, { title: `跟帖 ${n++}` }, pacing(established, '203.0.113.10')),
      1.1,
    );
    console.log(
      `reply by an established member on a board with review on vs off: p50 ${review.withP50.toFixed(2)} ms vs ${review.withoutP50.toFixed(2)} ms, ` +
        `ratio ${review.ratio.toFixed(3)} (target ≤ ${review.target}) ${review.ratio <= review.target ? 'ok' : 'MISSED'}`,
    );
    console.log(
      `reply with the duplicate check vs without: p50 ${duplicates.withP50.toFixed(2)} ms vs ${duplicates.withoutP50.toFixed(2)} ms, ` +
        `ratio ${duplicates.ratio.toFixed(3)} (part of the limits' figure)`,
    );
    console.log(
      `reply with the limits spent before it vs without: p50 ${before.withP50.toFixed(2)} ms vs ${before.withoutP50.toFixed(2)} ms, ` +
        `ratio ${before.ratio.toFixed(3)} (for comparison)`,
    );
    console.log(
      `reply with the posting limits vs without: p50 ${figure.withP50.toFixed(2)} ms vs ${figure.withoutP50.toFixed(2)} ms ` +
        `(mean ${figure.withMean.toFixed(2)} vs ${figure.withoutMean.toFixed(2)}), ratio ${figure.ratio.toFixed(3)} ` +
        `(target ≤ ${figure.target}) ${figure.ratio <= figure.target ? 'ok' : 'MISSED'}, ${figure.samples} samples each, interleaved`,
    );
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify({ date: new Date().toISOString(), reply: figure, spentBefore: before, duplicateCheck: duplicates, reviewOn: review }, null, 2)}\n`,
    );
    console.log(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    await db.destroy();
    await embedded.stop();
  }
}
