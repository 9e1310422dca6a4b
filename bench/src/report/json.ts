/**
 * results.json: `{ env, results, references, failures, targets }`. Each entry of `results`
 * has exactly the documented shape; `references` holds extra baselines that are not a
 * backend's ratio denominator (the memory backend's sorted array) with a `library` field.
 */
import type { Durability, Variant } from '../driver.js';
import type { Environment } from '../env.js';
import type { Row } from '../runner.js';
import type { TargetResult } from '../targets.js';
import { round } from './format.js';

export interface RunEntry {
  opsPerSec: number;
  usPerOp: number;
  mbPerSec: number;
  ops: number;
  elapsedMs: number;
}

export interface ResultEntry {
  workload: string;
  backend: string;
  variant: Variant;
  durability: Durability;
  opsPerSec: number;
  usPerOp: number;
  mbPerSec: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  /** Every repetition, in run order; the headline numbers are their median. */
  runs: RunEntry[];
  /** Wall time the row took, untimed preparation, warm-up and validation included. */
  wallSeconds: number;
}

export interface ResultsFile {
  env: Environment;
  results: ResultEntry[];
  references: (ResultEntry & { library: string })[];
  failures: { workload: string; backend: string; variant: Variant; library: string; error: string }[];
  targets: { workload: string; backend: string; goal: string; status: string; measured: string | null; source: string }[];
}

export function toResultEntry(row: Row): ResultEntry {
  const s = row.summary;
  if (!s) throw new Error(`row ${row.workload}/${row.backend}/${row.variant} has no measurements`);
  return {
    workload: row.workload,
    backend: row.backend,
    variant: row.variant,
    durability: row.durability,
    opsPerSec: round(s.opsPerSec, 1),
    usPerOp: round(s.usPerOp, 4),
    mbPerSec: round(s.mbPerSec, 3),
    p50Us: round(s.p50Us, 3),
    p99Us: round(s.p99Us, 3),
    p999Us: round(s.p999Us, 3),
    maxUs: round(s.maxUs, 3),
    runs: s.runs.map((r) => ({
      opsPerSec: round(r.opsPerSec, 1),
      usPerOp: round(r.usPerOp, 4),
      mbPerSec: round(r.mbPerSec, 3),
      ops: r.ops,
      elapsedMs: round(r.elapsedMs, 3),
    })),
    wallSeconds: round(row.wallMs / 1000, 2),
  };
}

export function buildResultsFile(env: Environment, rows: readonly Row[], targets: readonly TargetResult[]): ResultsFile {
  const measured = rows.filter((r) => r.summary);
  return {
    env,
    results: measured.filter((r) => r.role === 'primary').map(toResultEntry),
    references: measured.filter((r) => r.role === 'reference').map((r) => ({ ...toResultEntry(r), library: r.label })),
    failures: rows
      .filter((r) => r.error)
      .map((r) => ({ workload: r.workload, backend: r.backend, variant: r.variant, library: r.label, error: r.error! })),
    targets: targets.map((t) => ({
      workload: t.target.workload,
      backend: t.target.backend,
      goal: t.target.goal,
      status: t.status,
      measured: t.measured ?? null,
      source: t.target.source,
    })),
  };
}
