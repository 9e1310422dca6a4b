/**
 * The report's view of the measured rows: which raw row an adapter row is compared with, and
 * the ratio, computed only between rows of comparable durability (durable vs durable, or
 * non-durable vs non-durable: a synced write is never compared with an unsynced one).
 */
import type { Durability } from '../driver.js';
import type { Row } from '../runner.js';
import { targetsFor, type TargetResult } from '../targets.js';

export function comparable(a: Durability, b: Durability): boolean {
  return (a === 'none') === (b === 'none');
}

/**
 * The ratio column: on an adapter row, adapter / primary raw; on a reference row,
 * adapter / that reference. Undefined for primary raw rows and when nothing comparable exists.
 */
export function ratioFor(row: Row, rows: readonly Row[]): number | undefined {
  if (!row.summary) return undefined;
  const adapter = rows.find((r) => r.workload === row.workload && r.backend === row.backend && r.variant === 'adapter');
  if (row.variant === 'adapter') {
    const raw = rows.find((r) => r.workload === row.workload && r.backend === row.backend && r.variant === 'raw' && r.role === 'primary');
    if (!raw?.summary || !comparable(row.durability, raw.durability)) return undefined;
    return row.summary.opsPerSec / raw.summary.opsPerSec;
  }
  if (row.role === 'reference' && adapter?.summary && comparable(row.durability, adapter.durability)) {
    return adapter.summary.opsPerSec / row.summary.opsPerSec;
  }
  return undefined;
}

/** '✓ >= 0.8x raw' / '✗ BELOW >= 0.8x raw' for each target judging the row. */
export function targetCell(row: Row, targets: readonly TargetResult[]): string {
  return targetsFor(targets, row)
    .map((t) => (t.status === 'met' ? `✓ ${t.target.goal}` : t.status === 'below' ? `✗ BELOW ${t.target.goal} (${t.measured})` : `? ${t.target.goal}`))
    .join('; ');
}

export function isBelowTarget(row: Row, targets: readonly TargetResult[]): boolean {
  return targetsFor(targets, row).some((t) => t.status === 'below');
}

export function subjectName(row: Row): string {
  if (row.variant === 'adapter') return 'adapter';
  return row.role === 'reference' ? `ref: ${row.label}` : `raw: ${row.label}`;
}
