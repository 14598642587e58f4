/**
 * The frozen corpus of real sentences (tests/fixtures/conversion-heldout-2.json, described in
 * conversion-heldout-2.md): that it stays as reviewed (its sha256), that every sentence says where it
 * comes from, and Gentie's error counts against the targets of issue 18.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FROZEN_FILE, fixturePath, loadFrozenCorpus, scoreCorpus } from '../../bench/conversion';

// Frozen: the corpus must not change (nor be tuned on). A change needs a new hash here and a reason
// in docs/conversion.md ("How well").
const FROZEN_SHA256 = 'cde9d3d0d3b119461cc217e7820bc7c7a622220ac7d081939ff297fb0af8ffab';

const { entries, accepted } = loadFrozenCorpus();
const scores = scoreCorpus(entries, accepted);
const count = (system: 'naive' | 'stock' | 'gentie') => ({
  toTraditional: scores[system].toTraditional.length,
  toSimplified: scores[system].toSimplified.length,
});

describe('the frozen corpus of real sentences', () => {
  it('is the reviewed file, byte for byte', () => {
    const sha = createHash('sha256')
      .update(readFileSync(fixturePath(FROZEN_FILE)))
      .digest('hex');
    expect(sha).toBe(FROZEN_SHA256);
  });

  it('has 700 or more sentences from all three regions, each with its provenance and both review passes', () => {
    expect(entries.length).toBeGreaterThanOrEqual(700);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const region of ['cn', 'tw', 'hk'] as const) expect(entries.filter((e) => e.region === region).length).toBeGreaterThanOrEqual(100);
    for (const e of entries) {
      expect(['hans', 'hant']).toContain(e.written);
      expect(['forum', 'news', 'fiction', 'docs']).toContain(e.source);
      expect(e.origin.length).toBeGreaterThan(10);
      expect(e.licence.length).toBeGreaterThan(2);
      expect(e.checked.length).toBeGreaterThanOrEqual(2);
      // Character conversion never changes the length of a sentence.
      expect([...e.hans].length).toBe([...e.hant].length);
    }
  });

  it('keeps ordinary sentences, not only the one-to-many characters', () => {
    const listed = /[发干后里只台系面制复准周历冲谷余松划蒙表坛困游]/;
    expect(entries.filter((e) => !listed.test(e.hans)).length).toBeGreaterThanOrEqual(entries.length / 3);
  });

  it('is converted better than character by character, and no worse than stock opencc-js', () => {
    const [naive, stock, gentie] = [count('naive'), count('stock'), count('gentie')];
    expect(stock.toTraditional).toBeLessThan(naive.toTraditional);
    expect(gentie.toTraditional).toBeLessThan(stock.toTraditional);
    expect(gentie.toSimplified).toBeLessThanOrEqual(stock.toSimplified);
  });

  it("meets issue 18's targets, and does not get worse than the counts last read", () => {
    // Issue 18's targets: simplified → traditional at most half of stock opencc-js's errors
    // (24 at freezing, so 12), traditional → simplified at most 0.8× stock's (1, so 0). Gentie made
    // 20 and 1 when the corpus was frozen, 4 and 0 after the second round of context rules, 3 and 0
    // after the third (each made against the development set, not this file): these are the
    // floors. Never raise them without a reason in docs/conversion.md.
    const gentie = count('gentie');
    expect(gentie.toTraditional).toBeLessThanOrEqual(3);
    expect(gentie.toSimplified).toBeLessThanOrEqual(0);
  });
});
