import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LatencyHistogram } from '../src/stats/histogram.js';
import { percentile } from '../src/stats/summary.js';
import { testSeed } from './seed.js';

describe('LatencyHistogram', () => {
  it('is empty before anything is recorded', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.percentileUs(50)).toBe(0);
    expect(h.maxUs).toBe(0);
    expect(h.minUs).toBe(0);
    expect(h.meanUs).toBe(0);
  });

  it('is exact below 128 ns and tracks count, mean, min and max', () => {
    const h = new LatencyHistogram();
    for (const us of [0.01, 0.02, 0.05, 0.1]) h.record(us);
    expect(h.count).toBe(4);
    expect(h.percentileUs(25)).toBeCloseTo(0.01, 6);
    expect(h.percentileUs(50)).toBeCloseTo(0.02, 6);
    expect(h.percentileUs(100)).toBeCloseTo(0.1, 6);
    expect(h.minUs).toBe(0.01);
    expect(h.maxUs).toBe(0.1);
    expect(h.meanUs).toBeCloseTo(0.045, 9);
  });

  it('counts weighted samples (a batch of 1000 recorded once)', () => {
    const h = new LatencyHistogram();
    h.record(1, 1000);
    h.record(1000, 1);
    expect(h.count).toBe(1001);
    expect(h.percentileUs(99.9)).toBeCloseTo(1, 1);
    expect(h.percentileUs(100)).toBe(1000);
  });

  it('never reports a percentile above the exact maximum', () => {
    const h = new LatencyHistogram();
    h.record(1000.3);
    expect(h.percentileUs(50)).toBe(1000.3);
  });

  it('clamps latencies beyond ~2.1 s into the top bucket but keeps the exact max', () => {
    const h = new LatencyHistogram();
    h.record(5_000_000);
    expect(h.maxUs).toBe(5_000_000);
    expect(h.percentileUs(50)).toBeLessThanOrEqual(5_000_000);
    expect(h.percentileUs(50)).toBeGreaterThan(2_000_000);
  });

  it('agrees with exact nearest-rank percentiles within the bucket precision (property)', () => {
    const seed = testSeed();
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.2, max: 2_000_000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.constantFrom(1, 50, 90, 99, 99.9, 100),
        (samples, p) => {
          const h = new LatencyHistogram();
          for (const s of samples) h.record(s);
          const exact = percentile(samples, p);
          const approx = h.percentileUs(p);
          // 7 significant bits: the bucket's upper edge is at most 1/64 above its lowest value,
          // plus rounding to whole nanoseconds.
          expect(approx).toBeGreaterThanOrEqual(exact * (1 - 1e-9) - 0.001);
          expect(approx).toBeLessThanOrEqual(exact * (1 + 1 / 64) + 0.002);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('merges histograms as if every sample had been recorded in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 1; i <= 500; i++) {
      (i % 2 ? a : b).record(i * 3.7);
      all.record(i * 3.7);
    }
    a.merge(b);
    expect(a.count).toBe(all.count);
    for (const p of [10, 50, 99, 99.9, 100]) expect(a.percentileUs(p)).toBe(all.percentileUs(p));
    expect(a.minUs).toBe(all.minUs);
    expect(a.maxUs).toBe(all.maxUs);
    expect(a.meanUs).toBeCloseTo(all.meanUs, 9);
  });

  it('rejects bad samples and percentiles', () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(Number.NaN)).toThrow(RangeError);
    expect(() => h.record(Infinity)).toThrow(RangeError);
    expect(() => h.record(1, 0)).toThrow(RangeError);
    expect(() => h.record(1, 1.5)).toThrow(RangeError);
    expect(() => h.percentileUs(101)).toThrow(RangeError);
    expect(() => h.percentileUs(-0.1)).toThrow(RangeError);
    expect(h.count).toBe(0);
  });
});
