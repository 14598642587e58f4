/**
 * migrations/2026_12_04_200_post_source.ts on bodies as Gentie stored them before formats: plain
 * text becomes `text` with its source recovered (and renders to the same HTML again), anything
 * else stays `html`, its own source; revisions and held posts the same way.
 */
import { sql } from 'kysely';
import * as postSource from '../../migrations/2026_12_04_200_post_source';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { createMember, createTestBoard, createThread } from '../factories';
import { renderBody } from '../../server/text/formats';
import { utf8Bytes } from '../../server/text/bytes';

let target: TestDatabase;
beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(() => target.drop());

// Bodies as sanitizeBody stored them, and what the migration makes of them (null: stays html, its own source).
const OLD_BODIES: [string, string, string | null][] = [
  ['a title-only post', '', ''],
  ['one paragraph', '<p>今天去爬山，天氣很好。</p>', '今天去爬山，天氣很好。'],
  [
    'paragraphs, breaks and entities',
    '<p>第一段<br />第二行</p><p>第二段 a &lt; b &amp; c &gt; d "引號"</p>',
    '第一段\n第二行\n\n第二段 a < b & c > d "引號"',
  ],
  ['a typed entity', '<p>寫了 &amp;lt; 四個字</p>', '寫了 &lt; 四個字'],
  ['a mention', '<p>你好 <a href="/u/%E5%BC%B5%E4%B8%89" class="mention">@張三</a>，來了</p>', '你好 @張三，來了'],
  ['bold', '<p><b>粗</b>體</p>', null],
  ['a link', '<p>見 <a href="https://example.com/" rel="nofollow ugc noopener" target="_blank">這裡</a></p>', null],
  ['an image', '<img src="https://example.com/p.jpg" alt="山" />', null],
  ['a list', '<ul><li>一</li><li>二</li></ul>', null],
  ['text outside a paragraph ("a<b" read as HTML)', 'a', null],
  ['a quote of text', '<blockquote>引</blockquote>', null],
];

describe('the post_source migration', () => {
  it('classifies old bodies: only paragraphs, breaks, text and mentions are text, with their source recovered', async () => {
    const db = target.db;
    const board = await createTestBoard(db);
    const author = await createMember(db);
    const ids: string[] = [];
    for (let i = 0; i < OLD_BODIES.length; i++) ids.push((await createThread(db, { board, author, title: `舊帖 ${i}` })).id);
    // A revision and a held post stored before formats, too.
    await postSource.down(db);
    for (const [i, [, body]] of OLD_BODIES.entries()) {
      await sql`update posts set body = ${body}, bytes = octet_length(${body}) where id = ${ids[i]!}`.execute(db);
    }
    await sql`insert into post_revisions (post_id, revision, title, body, bytes, replaced_by, replaced_role)
      values (${ids[1]!}, 0, '舊版', '<p>舊版 &lt;1&gt;</p>', 18, ${author.id}, 'member'),
             (${ids[5]!}, 0, '舊版', '<p><i>斜</i></p>', 16, ${author.id}, 'member')`.execute(db);
    await sql`insert into held_posts (board_id, author_id, title, body, bytes, reason)
      values (${board.id}, ${author.id}, '待審', '<p>一<br />二</p>', 21, 'new')`.execute(db);

    await postSource.up(db);

    const rows = await db.selectFrom('posts').select(['id', 'body', 'bytes', 'format', 'source']).where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [i, [what, body, source]] of OLD_BODIES.entries()) {
      const row = byId.get(ids[i]!)!;
      expect({ what, body: row.body }).toEqual({ what, body });
      if (source === null) {
        expect({ what, format: row.format, source: row.source, bytes: row.bytes }).toEqual({
          what,
          format: 'html',
          source: null,
          bytes: utf8Bytes(body),
        });
      } else {
        expect({ what, format: row.format, source: row.source, bytes: row.bytes }).toEqual({
          what,
          format: 'text',
          source,
          bytes: utf8Bytes(source),
        });
        // Rendered again, a recovered source gives the body it came from (mentions are linked after rendering).
        if (!body.includes('class="mention"')) expect({ what, html: renderBody('text', source).html }).toEqual({ what, html: body });
      }
    }
    const revisions = await db.selectFrom('post_revisions').select(['post_id', 'format', 'source', 'bytes']).orderBy('post_id').execute();
    expect(revisions).toEqual([
      { post_id: ids[1]!, format: 'text', source: '舊版 <1>', bytes: utf8Bytes('舊版 <1>') },
      { post_id: ids[5]!, format: 'html', source: null, bytes: 16 },
    ]);
    const held = await db.selectFrom('held_posts').select(['format', 'source', 'bytes']).executeTakeFirstOrThrow();
    expect(held).toEqual({ format: 'text', source: '一\n二', bytes: utf8Bytes('一\n二') });
  });

  it('classifies a forum of many posts in ranges of ids, every one of them', async () => {
    const db = target.db;
    const board = await createTestBoard(db);
    const author = await createMember(db);
    const root = await createThread(db, { board, author });
    await postSource.down(db);
    // 120,000 ids apart: three ranges, one of them empty.
    await sql`select setval(pg_get_serial_sequence('posts', 'id'), (select max(id) from posts) + 120000)`.execute(db);
    await sql`insert into posts (board_id, thread_id, parent_id, path, depth, author_id, title, body, bytes)
      select ${board.id}, ${root.id}, ${root.id}, array[${root.id}::bigint, nextval(pg_get_serial_sequence('posts', 'id'))], 1, ${author.id}, 't',
        case when g % 2 = 0 then '<p>第' || g || '帖 &amp;</p>' else '<p><b>' || g || '</b></p>' end, 0
      from generate_series(1, 2000) g`.execute(db);
    await postSource.up(db);
    const counts = await sql<{ format: string; n: string }>`
      select format, count(*)::text as n from posts where parent_id = ${root.id} group by format order by format`.execute(db);
    expect(counts.rows).toEqual([
      { format: 'html', n: '1000' },
      { format: 'text', n: '1000' },
    ]);
    const one = await sql<{
      source: string;
    }>`select source from posts where parent_id = ${root.id} and body = '<p>第2帖 &amp;</p>'`.execute(db);
    expect(one.rows[0]!.source).toBe('第2帖 &');
  });
});
