import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/stats/histogram.js';
import { median, percentile, summarizeRun, summarizeRuns, type RunResult } from '../src/stats/summary.js';
import { clockCostNs, SampledTimer } from '../src/stats/sampled-timer.js';

function run(ops: number, elapsedMs: number, bytes = ops * 116, latencyUs = (elapsedMs * 1000) / ops): RunResult {
  const histogram = new LatencyHistogram();
  histogram.record(latencyUs, ops);
  return { ops, bytes, elapsedMs, histogram };
}

describe('median and percentile', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('uses nearest rank for percentiles', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(500);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile(values, 99.9)).toBe(999);
    expect(percentile(values, 100)).toBe(1000);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([5, 1], 50)).toBe(1);
  });

  it('rejects empty input and bad percentiles', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 100.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarizeRun / summarizeRuns', () => {
  it('computes ops/s, µs/op and MB/s from one run', () => {
    const s = summarizeRun(run(100_000, 250, 11_600_000));
    expect(s.opsPerSec).toBe(400_000);
    expect(s.usPerOp).toBe(2.5);
    expect(s.mbPerSec).toBeCloseTo(46.4, 9);
  });

  it('reports the median run with the min-max spread and every run', () => {
    const s = summarizeRuns([run(1000, 10), run(1000, 5), run(1000, 20)]);
    expect(s.opsPerSec).toBe(100_000);
    expect(s.usPerOp).toBe(10);
    expect(s.minOpsPerSec).toBe(50_000);
    expect(s.maxOpsPerSec).toBe(200_000);
    expect(s.runs.map((r) => r.opsPerSec)).toEqual([100_000, 200_000, 50_000]);
  });

  it('takes latency percentiles from all runs merged', () => {
    const fast = run(990, 10, 0, 1);
    const slow = run(10, 10, 0, 500);
    const s = summarizeRuns([fast, slow, run(1000, 10, 0, 1)]);
    expect(s.p50Us).toBeCloseTo(1, 1);
    expect(s.p99Us).toBeCloseTo(1, 1);
    expect(s.p999Us).toBeGreaterThan(490);
    expect(s.maxUs).toBe(500);
  });

  it('refuses zero runs, zero operations and zero elapsed time', () => {
    expect(() => summarizeRuns([])).toThrow(RangeError);
    expect(() => summarizeRun(run(0, 10))).toThrow(RangeError);
    expect(() => summarizeRun({ ...run(10, 10), elapsedMs: 0 })).toThrow(RangeError);
  });
});

describe('SampledTimer', () => {
  it('times one operation in `every`, weighted by `every`', () => {
    const histogram = new LatencyHistogram();
    const timer = new SampledTimer(histogram, 4);
    const pattern: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const sampled = timer.begin();
      pattern.push(sampled);
      if (sampled) timer.end();
    }
    expect(pattern).toEqual([true, false, false, false, true, false, false, false, true, false]);
    expect(histogram.count).toBe(12);
  });

  it('with every = 1 times every operation', () => {
    const histogram = new LatencyHistogram();
    const timer = new SampledTimer(histogram, 1);
    for (let i = 0; i < 5; i++) if (timer.begin()) timer.end();
    expect(histogram.count).toBe(5);
  });

  it('rejects a bad interval', () => {
    expect(() => new SampledTimer(new LatencyHistogram(), 0)).toThrow(RangeError);
    expect(() => new SampledTimer(new LatencyHistogram(), 2.5)).toThrow(RangeError);
  });

  it('measures the clock read cost', () => {
    const ns = clockCostNs(2000);
    expect(ns).toBeGreaterThan(0);
    expect(ns).toBeLessThan(100_000);
  });
});
