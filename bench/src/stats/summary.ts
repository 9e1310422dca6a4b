/**
 * Turning repeated runs into one row: the median run is the headline, the min and max show
 * the spread, and the latency percentiles come from every run's samples merged.
 */
import { LatencyHistogram } from './histogram.js';

/** The measured outcome of one timed repetition. */
export interface RunResult {
  ops: number;
  bytes: number;
  elapsedMs: number;
  histogram: LatencyHistogram;
}

export interface RunSummary {
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  usPerOp: number;
  mbPerSec: number;
}

export interface Summary {
  opsPerSec: number;
  usPerOp: number;
  mbPerSec: number;
  minOpsPerSec: number;
  maxOpsPerSec: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  runs: RunSummary[];
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of a non-empty list: the smallest value with >= p% at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  // The epsilon keeps 99.9% of 1000 at rank 999 despite 0.999 * 1000 = 999.0000000000001.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1]!;
}

export function summarizeRun(run: RunResult): RunSummary {
  if (!(run.elapsedMs > 0)) throw new RangeError(`elapsed time must be > 0, got ${run.elapsedMs}`);
  if (!(run.ops > 0)) throw new RangeError(`a run must count at least one operation, got ${run.ops}`);
  const seconds = run.elapsedMs / 1000;
  return {
    ops: run.ops,
    elapsedMs: run.elapsedMs,
    opsPerSec: run.ops / seconds,
    usPerOp: (run.elapsedMs * 1000) / run.ops,
    mbPerSec: run.bytes / seconds / 1_000_000,
  };
}

export function summarizeRuns(runs: readonly RunResult[]): Summary {
  if (runs.length === 0) throw new RangeError('cannot summarise zero runs');
  const perRun = runs.map(summarizeRun);
  const merged = new LatencyHistogram();
  for (const run of runs) merged.merge(run.histogram);
  const throughputs = perRun.map((r) => r.opsPerSec);
  const opsPerSec = median(throughputs);
  return {
    opsPerSec,
    usPerOp: 1_000_000 / opsPerSec,
    mbPerSec: median(perRun.map((r) => r.mbPerSec)),
    minOpsPerSec: Math.min(...throughputs),
    maxOpsPerSec: Math.max(...throughputs),
    p50Us: merged.percentileUs(50),
    p99Us: merged.percentileUs(99),
    p999Us: merged.percentileUs(99.9),
    maxUs: merged.maxUs,
    runs: perRun,
  };
}
