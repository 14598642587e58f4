import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { createBoard } from '../boards/boards.service';
import { countBoards, findBoardBySlug } from '../boards/boards.repository';
import type { Database } from '../db/database';
import { findUserByKey } from '../members/members.repository';
import { type Member, createMember } from '../members/members.service';
import { nameKey } from '../members/names';
import { createThread, reply } from '../posts/posts.service';
import { unpaced } from '../limits/paced';

export const DEMO_BOARD = { slug: 'demo', name: '演示版 Demo', description: '隨便聊聊 · 随便聊聊：a demo board to try Gentie' };

const DEMO_MEMBERS = [
  '霧蒙蒙雨霏霏',
  'Lisland_2013',
  '老樹發新芽',
  '山丘上的风',
  '小溪流',
  '看客甲',
  '路人乙',
  'north_wind',
  '海边的猫',
  '閒雲野鶴',
  '清茶一杯',
  'mapleleaf',
];

const ROOT = {
  author: 0,
  title: '周末去爬山，順便聊聊這個季節的天氣和路線',
  body:
    '<p>週末和朋友去爬了北邊那座山，天氣出奇地好，早上七點出發，九點就到了山頂。</p>' +
    '<p>一路上遇到不少人，大家都說今年秋天來得晚。山頂的風很大，但是視野非常開闊，能看到整個城市。</p>' +
    '<p>顺便问问大家：最近有什么好走的路线推荐吗？简体繁体都欢迎，随便聊。</p>',
};

// The shape of a real follow-up thread: parent is an index into this list (-1 = the root), many
// follow-ups are title-only, both scripts are mixed, and the deepest chain reaches depth 5.
// minutes: when the follow-up was written, after the root.
const DEMO_REPLIES: { parent: number; author: number; minutes: number; title: string; body?: string }[] = [
  { parent: -1, author: 0, minutes: 13, title: '补充一句：山顶风真的很大，记得带外套' },
  { parent: -1, author: 0, minutes: 14, title: '照片稍後補上' },
  { parent: 1, author: 1, minutes: 35, title: '期待！上次你拍的日落很美', body: '<p>上次那張日落我還存著當桌面。</p>' },
  { parent: 2, author: 2, minutes: 56, title: '同问，用的什么相机？' },
  { parent: 3, author: 1, minutes: 88, title: '手机拍的，没修图', body: '<p>就是普通手机，早上光线好，怎么拍都好看。</p>' },
  { parent: 4, author: 3, minutes: 120, title: '手機現在真厲害' },
  { parent: 1, author: 3, minutes: 255, title: '山上信號怎麼樣？', body: '<p>想知道山頂能不能打電話，家裡老人不放心。</p>' },
  { parent: -1, author: 4, minutes: 18, title: '这个季节爬山最舒服' },
  { parent: 7, author: 5, minutes: 19, title: '同感' },
  { parent: 8, author: 6, minutes: 22, title: '就是蚊子多 😅' },
  { parent: 7, author: 7, minutes: 28, title: '南边还是有点热' },
  { parent: 10, author: 4, minutes: 30, title: '早上去就好了' },
  { parent: -1, author: 8, minutes: 26, title: '哪座山？求路線', body: '<p>最好是兩三個小時能來回的。</p>' },
  {
    parent: 12,
    author: 0,
    minutes: 51,
    title: '北邊那條步道，兩小時登頂',
    body: '<p>從停車場出發，先走石階，再走一段土路。<b>下雨天不要去</b>，很滑。</p>',
  },
  { parent: 13, author: 8, minutes: 119, title: '收藏了，謝謝樓主' },
  { parent: -1, author: 9, minutes: 27, title: '注意安全，带够水' },
  { parent: -1, author: 10, minutes: 29, title: '好帖，頂一下' },
  { parent: 16, author: 11, minutes: 62, title: 'up' },
];

async function demoMember(db: Kysely<Database>, name: string): Promise<Member> {
  const existing = await findUserByKey(db, nameKey(name));
  if (existing) return { id: existing.id, name: existing.name, role: existing.role };
  // Demo members get random passwords: nobody can log in as them.
  return createMember(db, { username: name, password: randomBytes(18).toString('base64url') });
}

async function backdate(db: Kysely<Database>, postId: string, at: Date) {
  await db.updateTable('posts').set({ created_at: at }).where('id', '=', postId).execute();
  // Search filters by day on its own copy of the time.
  await db.updateTable('post_search').set({ created_at: at }).where('post_id', '=', postId).execute();
}

/** Creates the demo board (if missing) and one demo thread in it. Returns the thread's id. */
export async function seedDemo(db: Kysely<Database>, onProgress: (m: string) => void = () => {}): Promise<string> {
  if (!(await findBoardBySlug(db, DEMO_BOARD.slug))) {
    await createBoard(db, DEMO_BOARD).catch((e: { code?: string }) => {
      if (e.code !== 'NameTaken') throw e;
    });
    onProgress(`board /b/${DEMO_BOARD.slug} created`);
  }
  const members: Member[] = [];
  for (const name of DEMO_MEMBERS) members.push(await demoMember(db, name));
  onProgress(`${members.length} demo members ready`);
  const root = await createThread(db, members[ROOT.author]!, DEMO_BOARD.slug, ROOT, unpaced);
  const ids: string[] = [];
  for (const [i, r] of DEMO_REPLIES.entries()) {
    const parentId = r.parent === -1 ? root.id : ids[r.parent]!;
    ids.push((await reply(db, members[r.author]!, parentId, { title: r.title, body: r.body }, unpaced)).id);
    if ((i + 1) % 6 === 0 || i + 1 === DEMO_REPLIES.length) onProgress(`follow-ups ${i + 1}/${DEMO_REPLIES.length}`);
  }
  // Spread the demo over the last few hours, as a real thread would be.
  const rootTime = Date.now() - (Math.max(...DEMO_REPLIES.map((r) => r.minutes)) + 30) * 60_000;
  await backdate(db, root.id, new Date(rootTime));
  for (const [i, r] of DEMO_REPLIES.entries()) await backdate(db, ids[i]!, new Date(rootTime + r.minutes * 60_000));
  await db
    .updateTable('threads')
    .set({ last_activity_at: new Date(rootTime + Math.max(...DEMO_REPLIES.map((r) => r.minutes)) * 60_000) })
    .where('thread_id', '=', root.id)
    .execute();
  onProgress(`demo thread /t/${root.id} created`);
  return root.id;
}

/**
 * On the first start with an empty database, seeds the demo board and thread. An advisory lock
 * makes processes that start together seed once.
 */
export async function seedOnFirstStart(db: Kysely<Database>, onProgress: (m: string) => void): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('gentie:first-start-seed'))`.execute(conn);
    try {
      if ((await countBoards(conn)) > 0) return false;
      await seedDemo(db, onProgress);
      return true;
    } finally {
      await sql`select pg_advisory_unlock(hashtext('gentie:first-start-seed'))`.execute(conn);
    }
  });
}
