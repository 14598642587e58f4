import { lineChart, niceCeiling, shortNumber } from '../../server/views/chart';

// The small SVG line charts of /admin/metrics and the soak bench, drawn on the server.

describe('lineChart', () => {
  it('draws each series as a line scaled into the plot, from 0 to a round top', () => {
    const svg = lineChart(
      [
        { label: 'p50', points: [0, 1, 2].map((x) => ({ x, y: 10 * x })) },
        { label: 'p99', points: [0, 1, 2].map((x) => ({ x, y: 40 * x })) },
      ],
      { title: 'latency <ms>', width: 248, height: 142 },
    );
    // Plot: x 48…240, y 8…108 (34 below for the axis and the legend); the top is 100 (80 rounded up).
    expect(svg).toContain('<title>latency &lt;ms&gt;</title>');
    expect(svg).toContain('points="48,108 144,98 240,88"');
    expect(svg).toContain('points="48,108 144,68 240,28"');
    expect(svg).toMatch(/<text[^>]*>100<\/text>/);
    expect(svg).toContain('>p99</text>');
    expect(svg).not.toMatch(/style=|<script|xmlns/);
  });

  it('draws a single point as a dot, and says so when there is nothing', () => {
    const one = lineChart([{ label: 'a', points: [{ x: 5, y: 3 }] }], { title: 't' });
    expect(one).toContain('<circle');
    expect(one).not.toContain('<polyline');
    const none = lineChart([{ label: 'a', points: [] }], { title: 't', empty: '暫無數據' });
    expect(none).toContain('>暫無數據</text>');
    expect(lineChart([], { title: 't', standalone: true })).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('rounds the axis and writes numbers short', () => {
    expect([0.7, 1, 1.2, 3, 7, 80, 101].map(niceCeiling)).toEqual([1, 1, 2, 5, 10, 100, 200]);
    expect(niceCeiling(0)).toBe(1);
    expect([0.25, 12, 1500, 12_345_678].map(shortNumber)).toEqual(['0.25', '12', '1.5k', '12.3M']);
  });
});
