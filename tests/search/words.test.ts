import { type TestApp, startTestApp } from '../helpers/app';
import { type ApiPost, createTestBoard, memberClient, postReply, postThread } from '../factories';

/**
 * Numbers with units and decimals, versions, model numbers and Latin next to Chinese: a query of a
 * part of such a word finds it (text/search-terms.ts wordParts), and a query of another number
 * does not.
 */
let app: TestApp;
let board: { slug: string };
let earphones: ApiPost;
let release: ApiPost;
let cpu: ApiPost;
let phone: ApiPost;
let gpu: ApiPost;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  const writer = app.client();
  await memberClient(app.db, writer);
  earphones = await postThread(writer, board, '耳机求推荐', '想买一副3.5mm耳机，预算三百。');
  release = await postReply(writer, earphones.id, '更新', 'Gentie v2.1 发布了，修了很多问题。');
  cpu = await postReply(writer, earphones.id, '装机', '我用的是i7-12700K，配32GB内存。');
  phone = await postReply(writer, earphones.id, '换手机', '新买的iPhone15拍照不错。');
  gpu = await postReply(writer, earphones.id, '显卡', '显卡是RTX 4090，电源要850W。');
});
afterAll(() => app.close());

async function found(q: string): Promise<string[]> {
  const res = await app.client().get(`/api/search?${new URLSearchParams({ q, board: board.slug })}`);
  if (res.status !== 200) throw new Error(`search ${q} answered ${res.status} ${res.text}`);
  return res.json.results.map((r: { post: { id: string } }) => r.post.id);
}

describe('words of letters and digits', () => {
  it('are found by their number, their unit and whole: 3.5 finds 3.5mm耳机', async () => {
    for (const q of ['3.5', '3.5mm', '3.5mm耳机', '3.5MM 耳机', 'mm耳机', '"3.5mm 耳机"', '３．５ｍｍ'])
      expect([q, await found(q)]).toEqual([q, [earphones.id]]);
    for (const q of ['3.6', '3.5cm', '35mm', '5.3']) expect([q, await found(q)]).toEqual([q, []]);
  });

  it('are found by version, model number and name apart from the number', async () => {
    expect(await found('v2.1')).toEqual([release.id]);
    expect(await found('2.1')).toEqual([release.id]);
    expect(await found('v2.2')).toEqual([]);
    expect(await found('12700')).toEqual([cpu.id]);
    expect(await found('i7-12700K')).toEqual([cpu.id]);
    expect(await found('12700k')).toEqual([cpu.id]);
    expect(await found('i7 12700')).toEqual([cpu.id]);
    expect(await found('12701')).toEqual([]);
    expect(await found('32gb')).toEqual([cpu.id]);
    expect(await found('iphone 15')).toEqual([phone.id]);
    expect(await found('iPhone15')).toEqual([phone.id]);
    expect(await found('rtx4090')).toEqual([gpu.id]);
    expect(await found('4090')).toEqual([gpu.id]);
    expect(await found('850w')).toEqual([gpu.id]);
  });
});
