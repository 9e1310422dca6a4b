/** The cells of the results table, shared by the terminal table and results.md. */
import type { Row } from '../runner.js';
import type { TargetResult } from '../targets.js';
import { formatMegabytes, formatMicros, formatRate, formatRatio } from './format.js';
import { ratioFor, subjectName, targetCell } from './rows.js';

export const HEADER = ['workload', 'backend', 'subject', 'durability', 'ops/s', 'min-max ops/s', 'µs/op', 'MB/s', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'adapter/raw', 'target'];

export function rowCells(row: Row, rows: readonly Row[], targets: readonly TargetResult[]): string[] {
  const lead = [row.workload, row.backend, subjectName(row), row.durability];
  const s = row.summary;
  if (!s) return [...lead, 'FAILED', row.error ?? '', '', '', '', '', '', '', '', ''];
  return [
    ...lead,
    formatRate(s.opsPerSec),
    `${formatRate(s.minOpsPerSec)}-${formatRate(s.maxOpsPerSec)}`,
    formatMicros(s.usPerOp),
    formatMegabytes(s.mbPerSec),
    formatMicros(s.p50Us),
    formatMicros(s.p99Us),
    formatMicros(s.p999Us),
    formatMicros(s.maxUs),
    formatRatio(ratioFor(row, rows)),
    targetCell(row, targets),
  ];
}

/** Columns holding numbers, right-aligned. */
export const NUMERIC = new Set([4, 5, 6, 7, 8, 9, 10, 11, 12]);
