import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/processes';

/**
 * `npm run gentie -- convert`: needs no database (none is given here). Each run starts the CLI
 * and loads jieba's and opencc-js's dictionaries: seconds on a busy machine, hence the timeouts.
 */
jest.setTimeout(120_000);

describe('gentie convert', () => {
  it('converts text for a reader of another variant, detecting the source', async () => {
    const out = await spawnCli(['convert', '那只猫的软件', '--to', 'zh-tw'], {});
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toBe('那隻貓的軟體');
    expect((await runCli(['convert', '這裡的軟體'], {})).stdout.trim()).toBe('这里的软件');
  });

  it('explains: each stage, the words it used, its choices and what the word boundaries refused', async () => {
    const out = await runCli(['convert', '--explain', '低级别', '--to', 'zh-tw'], {});
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('zh-hans → zh-tw: 低級別');
    expect(out.stdout).toMatch(/stage 1, script .*\n {2}read {2}低级别\n {2}words 低\|级别/);
    expect(out.stdout).toContain('  级别 → 級別  phrase');
    expect(out.stdout).toMatch(/stage 2, region .*\n {2}read {2}低級別\n {2}words 低\|級別/);
    expect(out.stdout).toContain('  低 → 低  character  (低級 refused: it crosses a word boundary)');
  });

  it('explains a choice: the context rule that fired, and the scores of a split', async () => {
    const out = await runCli(['convert', '--explain', '这只好斗的公鸡坐地铁', '--to', 'zh-tw'], {});
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('zh-hans → zh-tw: 這隻好鬥的公雞坐捷運');
    expect(out.stdout).toMatch(/ {2}只 → 隻 {2}context rule: 只 counting/);
    expect(out.stdout).toMatch(
      / {2}地鐵 → 捷運 {2}curated word {2}\(坐地铁 split around 地铁: -?[\d.]+ \(with the curated word's bonus\) against -?[\d.]+ for the word whole\)/,
    );
  });

  it('refuses an unknown variant with exit 2 and the usage', async () => {
    const out = await runCli(['convert', '软件', '--to', 'zh-xx'], {});
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--to must be one of zh-hans, zh-hant, zh-tw, zh-hk');
  });
});
