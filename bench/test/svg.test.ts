/**
 * The chart generator: golden output for a fixed set of rows (UPDATE_GOLDEN=1 rewrites it),
 * plus structural checks that hold for any input.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decadeLabel, renderChart } from '../src/report/svg.js';
import { evaluateTargets } from '../src/targets.js';
import { sampleRows } from './fixtures/rows.js';

const golden = fileURLToPath(new URL('./fixtures/chart.golden.svg', import.meta.url));

describe('renderChart', () => {
  const rows = sampleRows();
  const targets = evaluateTargets(rows);
  const svg = renderChart(rows, targets, { subtitle: 'n=100000, value 100 B, median of 3 runs' });

  it('matches the golden file', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, svg);
    expect(svg).toBe(readFileSync(golden, 'utf8'));
  });

  it('is deterministic', () => {
    expect(renderChart(rows, targets, { subtitle: 'n=100000, value 100 B, median of 3 runs' })).toBe(svg);
  });

  it('draws one bar per measured row, none for failed rows, grouped by workload', () => {
    const bars = [...svg.matchAll(/<rect class="bar" data-workload="([^"]+)" data-backend="([^"]+)" data-variant="([^"]+)"/g)];
    expect(bars).toHaveLength(rows.filter((r) => r.summary).length);
    expect(bars.map((b) => b[1])).toEqual(rows.filter((r) => r.summary).map((r) => r.workload));
    expect(svg).not.toContain('data-workload="readmissing" data-backend="lmdb" data-variant="adapter"');
  });

  it('uses a log scale: one gridline label per decade, bar heights proportional to log(ops/s)', () => {
    for (const label of ['1k', '10k', '100k', '1M', '10M']) expect(svg).toContain(`>${label}</text>`);
    const heights = new Map<string, number>();
    for (const m of svg.matchAll(/data-workload="fillseq" data-backend="(\w+)" data-variant="(\w+)" x="[\d.]+" y="[\d.]+" width="\d+" height="([\d.]+)"/g)) {
      heights.set(`${m[1]}/${m[2]}`, Number(m[3]));
    }
    // lmdb adapter 1.2M vs raw 1.3M: the heights differ by log10(1.3 / 1.2) decades.
    const perDecade = 340 / 4; // the fixture spans 1k..10M: 4 decades over 340 px
    const expected = Math.log10(1_300_000 / 1_200_000) * perDecade;
    expect(heights.get('lmdb/raw')! - heights.get('lmdb/adapter')!).toBeCloseTo(expected, 0);
  });

  it('has a legend for every backend and for adapter / raw / reference / below target', () => {
    for (const text of ['memory', 'level', 'lmdb', 'sqlite', 'wal', 'tidekv adapter', 'raw library', 'reference baseline', 'below target']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(svg).toMatch(/<title>readrandom · memory · adapter \(none\): [\d.]+k ops\/s · BELOW TARGET<\/title>/);
  });

  it('escapes text and stays well-formed', () => {
    const tricky = sampleRows().slice(0, 2).map((r) => ({ ...r, backend: 'a<b&"c"', workload: 'w>1' }));
    const out = renderChart(tricky, [], { title: '<script>', subtitle: 'x & y' });
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('a&lt;b&amp;&quot;c&quot;');
    const opened = (out.match(/<(?!\/)(\w+)[^>]*[^/]>/g) ?? []).length;
    const closed = (out.match(/<\/\w+>/g) ?? []).length;
    expect(opened).toBe(closed);
  });

  it('labels decades compactly', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9].map(decadeLabel)).toEqual(['1', '10', '100', '1k', '10k', '100k', '1M', '10M', '1G']);
  });

  it('renders an empty chart without failing', () => {
    expect(renderChart([], [])).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });
});
