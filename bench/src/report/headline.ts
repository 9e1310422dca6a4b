/**
 * The headline: one line per workload, one column per backend, each cell the adapter's
 * ops/s and its ratio to the raw library (the numbers people quote).
 */
import type { Row } from '../runner.js';
import { formatRate, formatRatio } from './format.js';
import { ratioFor } from './rows.js';

export function headlineCells(rows: readonly Row[]): { header: string[]; body: string[][] } {
  const adapters = rows.filter((r) => r.variant === 'adapter');
  const backends = [...new Set(adapters.map((r) => r.backend))];
  const workloads = [...new Set(adapters.map((r) => r.workload))];
  const body = workloads.map((workload) => [
    workload,
    ...backends.map((backend) => {
      const row = adapters.find((r) => r.workload === workload && r.backend === backend);
      if (!row) return '';
      if (!row.summary) return 'FAILED';
      const ratio = ratioFor(row, rows);
      return ratio === undefined ? formatRate(row.summary.opsPerSec) : `${formatRate(row.summary.opsPerSec)} (${formatRatio(ratio)})`;
    }),
  ]);
  return { header: ['adapter ops/s (x raw)', ...backends], body };
}

export function renderHeadline(rows: readonly Row[]): string {
  const { header, body } = headlineCells(rows);
  if (body.length === 0) return '';
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
