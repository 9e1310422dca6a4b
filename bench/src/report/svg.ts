/**
 * chart.svg: throughput per workload per backend on a log scale, as grouped vertical bars.
 * Each backend has a colour; the tidekv adapter bar is solid, its raw library bar is
 * hatched in the same colour, reference baselines are grey. A deterministic generator (same
 * rows in, same bytes out) with no dependencies, so it can be golden-tested.
 */
import type { Row } from '../runner.js';
import type { TargetResult } from '../targets.js';
import { formatRate } from './format.js';
import { isBelowTarget, subjectName } from './rows.js';

const PALETTE: Record<string, string> = {
  memory: '#4e79a7',
  level: '#f28e2b',
  lmdb: '#59a14f',
  sqlite: '#e15759',
  wal: '#b07aa1',
};
const EXTRA_COLOURS = ['#76b7b2', '#edc948', '#9c755f', '#ff9da7'];
const REFERENCE_COLOUR = '#9a9a9a';
const BELOW_COLOUR = '#d62728';

const BAR = 11;
const BAR_GAP = 2;
const GROUP_GAP = 22;
const LEFT = 78;
const RIGHT = 24;
const TOP = 104;
const PLOT_HEIGHT = 340;
const BOTTOM = 110;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fixed(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** Decade labels for the log axis: 100, 1k, 10k, 100k, 1M, 10M. */
export function decadeLabel(decade: number): string {
  const units: [number, string][] = [[9, 'G'], [6, 'M'], [3, 'k'], [0, '']];
  for (const [power, suffix] of units) if (decade >= power) return `${10 ** (decade - power)}${suffix}`;
  return String(10 ** decade);
}

function colourFor(backend: string, backends: readonly string[]): string {
  return PALETTE[backend] ?? EXTRA_COLOURS[backends.indexOf(backend) % EXTRA_COLOURS.length]!;
}

export interface ChartOptions {
  title?: string;
  subtitle?: string;
}

export function renderChart(rows: readonly Row[], targets: readonly TargetResult[], options: ChartOptions = {}): string {
  const measured = rows.filter((r) => r.summary);
  const workloads = [...new Set(measured.map((r) => r.workload))];
  const backends = [...new Set(measured.map((r) => r.backend))];
  const groups = workloads.map((w) => measured.filter((r) => r.workload === w));

  const values = measured.map((r) => r.summary!.opsPerSec);
  const lowDecade = values.length ? Math.floor(Math.log10(Math.max(1, Math.min(...values)))) : 0;
  const highDecade = values.length ? Math.max(lowDecade + 1, Math.ceil(Math.log10(Math.max(...values)))) : 1;
  const y = (value: number) => TOP + PLOT_HEIGHT - ((Math.log10(Math.max(value, 10 ** lowDecade)) - lowDecade) / (highDecade - lowDecade)) * PLOT_HEIGHT;

  const groupWidths = groups.map((g) => g.length * (BAR + BAR_GAP) - BAR_GAP);
  const plotWidth = Math.max(320, groupWidths.reduce((a, b) => a + b + GROUP_GAP, GROUP_GAP));
  const legendWidth = Math.max(backends.reduce((w, b) => w + 32 + b.length * 7, 0), 104 + 90 + 130 + 96);
  const width = LEFT + Math.max(plotWidth, legendWidth) + RIGHT;
  const height = TOP + PLOT_HEIGHT + BOTTOM;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push('<defs>');
  for (const backend of backends) {
    const colour = colourFor(backend, backends);
    out.push(
      `<pattern id="hatch-${escapeXml(backend)}" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="5" stroke="${colour}" stroke-width="3"/></pattern>`,
    );
  }
  out.push('</defs>');
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${LEFT}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title ?? 'tidekv benchmark: throughput per workload (ops/s, log scale)')}</text>`);
  if (options.subtitle) out.push(`<text x="${LEFT}" y="42" fill="#555555">${escapeXml(options.subtitle)}</text>`);

  // Legend, two rows: a swatch per backend, then the key for solid / hatched / grey / red.
  const backendRow: string[] = [];
  let lx = LEFT;
  for (const backend of backends) {
    backendRow.push(`<rect class="legend" x="${lx}" y="53" width="12" height="12" fill="${colourFor(backend, backends)}"/>`);
    backendRow.push(`<text x="${lx + 16}" y="63">${escapeXml(backend)}</text>`);
    lx += 32 + backend.length * 7;
  }
  const keyRow: string[] = [];
  let kx = LEFT;
  const key = (swatch: string, text: string, advance: number) => {
    keyRow.push(`<rect x="${kx}" y="71" width="12" height="12" ${swatch}/><text x="${kx + 16}" y="81">${text}</text>`);
    kx += advance;
  };
  key('fill="#555555"', 'tidekv adapter', 104);
  key(`fill="url(#hatch-${escapeXml(backends[0] ?? 'none')})" stroke="#555555"`, 'raw library', 90);
  key(`fill="${REFERENCE_COLOUR}"`, 'reference baseline', 130);
  key(`fill="none" stroke="${BELOW_COLOUR}" stroke-width="2"`, 'below target', 96);
  out.push(...backendRow, ...keyRow);

  // Axis: a gridline and label per decade.
  out.push(`<g class="axis" stroke="#dddddd">`);
  for (let d = lowDecade; d <= highDecade; d++) {
    const gy = fixed(y(10 ** d));
    out.push(`<line x1="${LEFT}" y1="${gy}" x2="${LEFT + plotWidth}" y2="${gy}"/>`);
  }
  out.push('</g>');
  for (let d = lowDecade; d <= highDecade; d++) {
    out.push(`<text x="${LEFT - 6}" y="${fixed(y(10 ** d) + 4)}" text-anchor="end">${decadeLabel(d)}</text>`);
  }
  out.push(`<text transform="translate(18 ${fixed(TOP + PLOT_HEIGHT / 2)}) rotate(-90)" text-anchor="middle">ops/s (log scale)</text>`);
  out.push(`<line x1="${LEFT}" y1="${TOP + PLOT_HEIGHT}" x2="${LEFT + plotWidth}" y2="${TOP + PLOT_HEIGHT}" stroke="#333333"/>`);

  let x = LEFT + GROUP_GAP;
  groups.forEach((group, gi) => {
    const start = x;
    for (const row of group) {
      const s = row.summary!;
      const top = y(s.opsPerSec);
      const barHeight = TOP + PLOT_HEIGHT - top;
      const colour = colourFor(row.backend, backends);
      const fill = row.role === 'reference' ? REFERENCE_COLOUR : row.variant === 'adapter' ? colour : `url(#hatch-${escapeXml(row.backend)})`;
      const below = isBelowTarget(row, targets);
      const stroke = below ? ` stroke="${BELOW_COLOUR}" stroke-width="2"` : row.variant === 'raw' ? ` stroke="${colour}"` : '';
      const tip = `${row.workload} · ${row.backend} · ${subjectName(row)} (${row.durability}): ${formatRate(s.opsPerSec)} ops/s${below ? ' · BELOW TARGET' : ''}`;
      out.push(
        `<rect class="bar" data-workload="${escapeXml(row.workload)}" data-backend="${escapeXml(row.backend)}" data-variant="${row.variant}" x="${fixed(x)}" y="${fixed(top)}" width="${BAR}" height="${fixed(barHeight)}" fill="${fill}"${stroke}><title>${escapeXml(tip)}</title></rect>`,
      );
      x += BAR + BAR_GAP;
    }
    const centre = start + groupWidths[gi]! / 2;
    out.push(`<text transform="translate(${fixed(centre)} ${TOP + PLOT_HEIGHT + 14}) rotate(-35)" text-anchor="end">${escapeXml(group[0]!.workload)}</text>`);
    x += GROUP_GAP - BAR_GAP;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
