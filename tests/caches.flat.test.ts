import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { flat } from '../server/caches';

/**
 * What the caches keep is kept flat (server/caches.ts flat): a window's markup built by thousands
 * of appends is one string in the cache, not a rope of thousands of nodes that every full garbage
 * collection marks again. Counted in a heap snapshot of a small process of its own (the compiled
 * caches, as the server runs them), after a collection: the rope nodes still alive there.
 */
const DIST_CACHES = path.join(__dirname, '..', 'dist', 'server', 'caches.js');

/** The rope nodes alive once 200 windows of 200 lines, and as many rope keys and texts, are kept (`keep`: how). */
function ropesAliveAfter(keep: 'cached' | 'held'): number {
  const script = `
    const v8 = require('node:v8');
    const fs = require('node:fs');
    const { createCaches, LineSpans } = require(${JSON.stringify(DIST_CACHES)});
    const caches = createCaches();
    const held = [];
    for (let w = 0; w < 200; w++) {
      let html = '<ul class="tree">';
      for (let i = 0; i < 200; i++) html += '<li><span class="line">跟帖 ' + w + '.' + i + ' 的標題</span></li>';
      html += '</ul>';
      let key = 'window';
      for (let i = 0; i < 5; i++) key += ':' + w + '-' + i + '-' + 'zh-tw';
      let text = '';
      for (let i = 0; i < 20; i++) text += '轉換後的文字 ' + w + '.' + i + ' ';
      const window = { html, count: 200, spans: LineSpans.none };
      if (${JSON.stringify(keep)} === 'cached') {
        caches.lines.set(key, window);
        caches.conversions.set(key, text);
      } else held.push(window, key, text);
    }
    const file = v8.writeHeapSnapshot();
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.unlinkSync(file);
    const fields = s.snapshot.meta.node_fields;
    const types = s.snapshot.meta.node_types[0];
    const type = fields.indexOf('type');
    let ropes = 0;
    for (let i = 0; i < s.nodes.length; i += fields.length) if (types[s.nodes[i + type]] === 'concatenated string') ropes++;
    process.stdout.write(String(ropes));
  `;
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: tmpdir(), encoding: 'utf8' }));
}

describe('flat', () => {
  it('gives back the same text', () => {
    let rope = '';
    for (let i = 0; i < 100; i++) rope += `<li>第${i}行</li>`;
    expect(flat(rope)).toBe(rope);
    expect(flat('')).toBe('');
  });

  it('leaves no rope of what the caches keep, where the same texts merely held stay ropes', () => {
    const held = ropesAliveAfter('held');
    const cached = ropesAliveAfter('cached');
    // Held as built: a node per append (200 windows × ~400 appends).
    expect(held).toBeGreaterThan(50_000);
    // Kept: what the process itself holds (its modules' ropes), none of the windows', keys' or texts'.
    expect(cached).toBeLessThan(5_000);
  });
});
