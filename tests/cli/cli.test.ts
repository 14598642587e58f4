import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/processes';
import { insertMessage, upsertConversation } from '../../server/messages/messages.repository';
import { createMember } from '../factories';

let target: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  target = await createTestDatabase();
  env = { DATABASE_URL: target.url };
});
afterAll(() => target.drop());

describe('gentie CLI', () => {
  it('creates a member with the password from stdin, who can then be found by name', async () => {
    const out = await spawnCli(['user:create', '閒雲野鶴', '--role', 'admin'], env, 'a long enough password\n');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/created admin 閒雲野鶴 \(id \d+\)/);
    const user = await target.db.selectFrom('users').selectAll().where('name', '=', '閒雲野鶴').executeTakeFirstOrThrow();
    expect(user.role).toBe('admin');
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(out.stdout).not.toContain('a long enough password');
  });

  it('refuses a short password and a taken name, with exit 1 and one clear line', async () => {
    const short = await runCli(['user:create', 'shorty'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('gentie: A password is 8 to 256 characters long.');
    await runCli(['user:create', 'Taken_Name'], env, 'password one two\n');
    const taken = await runCli(['user:create', 'taken_name'], env, 'password one two\n');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/taken/);
  });

  it('creates a board, which / then lists, and gives it a moderator', async () => {
    const board = await spawnCli(['board:create', 'life', '生活百態', '--description', '家長里短'], env);
    expect(board.code).toBe(0);
    expect(board.stdout).toContain('created board /b/life (生活百態)');
    await runCli(['user:create', 'mod_person'], env, 'moderator password\n');
    const mod = await runCli(['board:moderator', 'life', 'MOD_person'], env);
    expect(mod.code).toBe(0);
    const row = await target.db
      .selectFrom('board_moderators')
      .innerJoin('users', 'users.id', 'board_moderators.user_id')
      .innerJoin('boards', 'boards.id', 'board_moderators.board_id')
      .select(['users.name', 'users.role', 'boards.slug'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'mod_person', role: 'moderator', slug: 'life' });
  });

  it('sets a board’s review with board:set, and explains a wrong one', async () => {
    await runCli(['board:create', 'queue-board', '待審版'], env);
    const review = async () =>
      (await target.db.selectFrom('boards').select('review').where('slug', '=', 'queue-board').executeTakeFirstOrThrow()).review;
    expect(await review()).toBe('off');
    const set = await runCli(['board:set', 'queue-board', '--review', 'links'], env);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('/b/queue-board review: links');
    expect(await review()).toBe('links');
    expect((await runCli(['board:set', 'queue-board', '--review=new'], env)).code).toBe(0);
    expect(await review()).toBe('new');
    // Three refusals, started together.
    const [wrong, bare, nowhere] = await Promise.all([
      runCli(['board:set', 'queue-board', '--review', 'sometimes'], env),
      runCli(['board:set', 'queue-board'], env),
      runCli(['board:set', 'nowhere', '--review', 'off'], env),
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--review must be one of new, links, off');
    expect(bare.stderr).toContain('board:set needs --review new|links|off');
    expect(nowhere.stderr).toContain('There is no board "nowhere"');
    expect(await review()).toBe('new');
  });

  it('explains mistakes: unknown board or member, bad slug, bad role, unknown command', async () => {
    // Each refused before it changes anything: started together.
    const [board, member, slug, role, unknown] = await Promise.all([
      runCli(['board:moderator', 'nowhere', 'mod_person'], env),
      runCli(['board:moderator', 'life', 'ghost'], env),
      runCli(['board:create', 'Bad Slug!', 'x'], env),
      runCli(['user:create', 'someone', '--role', 'king'], env, 'password one two\n'),
      spawnCli(['frobnicate'], env),
    ]);
    expect(board.stderr).toContain('There is no board "nowhere"');
    expect(member.stderr).toContain('There is no member "ghost"');
    expect(slug.stderr).toContain('A board slug is');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role must be one of member, moderator, admin');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('usage: npm run gentie');
  });

  it('stops with one line on a bad environment variable', async () => {
    const out = await runCli(['migrate'], { ...env, LOG_LEVEL: 'loud' });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toMatch(/^gentie: configuration error: LOG_LEVEL must be one of/);
  });

  it('seeds the demo board and a demo thread on demand', async () => {
    const out = await runCli(['seed:demo'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/demo thread \/t\/\d+ created/);
    expect(out.stdout).toMatch(/follow-ups \d+\/\d+/);
  });

  it('re-sanitizes stored bodies, posts and 悄悄話, with progress bars, fixing rows written under older rules', async () => {
    await runCli(['seed:demo'], env);
    const victim = await target.db.selectFrom('posts').select('id').orderBy('id').executeTakeFirstOrThrow();
    // As if an older allowlist had let an event handler through, in a body from before formats
    // (HTML, its own source: a null source).
    await target.db
      .updateTable('posts')
      .set({ body: '<p onclick="x()">舊規則</p><script>1</script>', bytes: 48, format: 'html', source: null })
      .where('id', '=', victim.id)
      .execute();
    // 悄悄話 likewise: one HTML from before formats, one markdown rendered by older rules, one as it should be.
    const [sender, recipient] = [await createMember(target.db), await createMember(target.db)];
    const conversationId = await upsertConversation(target.db, sender.id, recipient.id);
    const message = (body: string, format: 'html' | 'markdown' | 'text', source: string) =>
      insertMessage(target.db, {
        conversationId,
        senderId: sender.id,
        recipientId: recipient.id,
        title: '舊的悄悄話',
        body,
        bytes: Buffer.byteLength(source),
        format,
        source,
        variant: 'zh-hant',
        quotedPostId: null,
      });
    const legacy = await message('<p onclick="x()">舊話</p><script>1</script>', 'html', '');
    await target.db.updateTable('messages').set({ source: null }).where('id', '=', legacy).execute();
    const stale = await message('<p>舊的渲染</p>', 'markdown', '*再來*');
    const fine = await message('<p>不變</p>', 'text', '不變');

    const out = await runCli(['posts:resanitize'], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/\[#+\] 100% {2}\d+\/\d+ posts re-rendered/);
    expect(out.stdout).toMatch(/\[#+\] 100% {2}3\/3 messages re-rendered/);
    expect(out.stdout).toContain('done: 1 bodies changed, 2 messages changed');
    const row = await target.db.selectFrom('posts').select(['body', 'bytes']).where('id', '=', victim.id).executeTakeFirstOrThrow();
    // "(N bytes)" still counts what was written.
    expect(row).toEqual({ body: '<p>舊規則</p>', bytes: 48 });
    const bodyOf = async (id: string) =>
      (await target.db.selectFrom('messages').select('body').where('id', '=', id).executeTakeFirstOrThrow()).body;
    expect(await bodyOf(legacy)).toBe('<p>舊話</p>');
    expect(await bodyOf(stale)).toBe('<p><em>再來</em></p>');
    expect(await bodyOf(fine)).toBe('<p>不變</p>');
  });

  it('edits, exports and imports a glossary', async () => {
    await runCli(['board:create', 'words', '詞語'], env);
    const added = await runCli(['glossary:add', '芯片', '--board', 'words', '--zh-tw', '晶片', '--zh-hant', '晶片'], env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('glossary words: version 1, 1 terms');
    const file = await spawnCli(['glossary:export', '--board', 'words'], env);
    expect(file.stdout).toContain('芯片 = zh-hant:晶片; zh-tw:晶片');
    const path = join(tmpdir(), `gentie-glossary-${process.pid}.txt`);
    writeFileSync(path, '余华\n网络 = zh-tw:網絡\n');
    const imported = await runCli(['glossary:import', path, '--replace'], env);
    expect(imported.stdout).toContain('glossary site: version 1, 2 terms');
    const missing = await runCli(['glossary:remove', '沒有', '--board', 'words'], env);
    expect(missing.code).toBe(1);
    const history = await target.db.selectFrom('glossary_history').select(['scope', 'action', 'actor_name']).orderBy('id').execute();
    expect(history.map((h) => [h.action, h.actor_name])).toEqual([
      ['add', 'CLI'],
      ['import', 'CLI'],
    ]);
  }, 90_000);
});
