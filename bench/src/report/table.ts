/** The terminal table: one line per row, grouped by workload, below-target rows marked. */
import type { Row } from '../runner.js';
import type { TargetResult } from '../targets.js';
import type { Environment } from '../env.js';
import { HEADER, NUMERIC, rowCells } from './columns.js';

function visibleLength(text: string): number {
  return [...text].length;
}

export function renderTable(rows: readonly Row[], targets: readonly TargetResult[]): string {
  const body = rows.map((row) => rowCells(row, rows, targets));
  const widths = HEADER.map((h, i) => Math.max(visibleLength(h), ...body.map((cells) => (i === HEADER.length - 1 ? 0 : visibleLength(cells[i]!)))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell;
        const pad = widths[i]! - visibleLength(cell);
        return NUMERIC.has(i) ? ' '.repeat(pad) + cell : cell + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd();
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  ')];
  let previous: string | undefined;
  body.forEach((cells, i) => {
    const workload = rows[i]!.workload;
    if (previous !== undefined && workload !== previous) out.push('');
    out.push(line(previous === workload ? ['', ...cells.slice(1)] : cells));
    previous = workload;
  });
  return out.join('\n');
}

export function renderEnvironment(env: Environment): string {
  const libs = Object.entries(env.libraries)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `tidekv bench  ${env.date}  commit ${env.gitCommit}${env.gitDirty ? ' (uncommitted changes)' : ''}`,
    `cpu: ${env.cpu} x ${env.cores} cores  memory: ${env.memoryGiB} GiB  os: ${env.os}  node: ${env.node}${env.clockReadNs !== undefined ? `  clock read: ${env.clockReadNs} ns` : ''}`,
    `libraries: ${libs}`,
    `options: ${Object.entries(env.options)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join(' ')}`,
  ].join('\n');
}

export function renderTargets(targets: readonly TargetResult[]): string {
  const measured = targets.filter((t) => t.status !== 'not measured');
  const met = measured.filter((t) => t.status === 'met').length;
  const lines = [`targets: ${met}/${measured.length} met (${targets.length - measured.length} not measured in this run)`];
  for (const t of measured) {
    if (t.status === 'below') lines.push(`  ✗ BELOW ${t.target.workload} · ${t.target.backend}: ${t.measured}, goal ${t.target.goal}`);
  }
  return lines.join('\n');
}
