import { describe, expect, it } from 'vitest';
import { Random } from '../src/random.js';
import { fnvHash64, ScrambledZipfianGenerator, SkewedLatestGenerator, UniformGenerator, ZipfianGenerator } from '../src/zipfian.js';
import { testSeed } from './seed.js';

const THETA = 0.99;

function expectedShare(rank: number, items: number): number {
  let zeta = 0;
  for (let i = 1; i <= items; i++) zeta += 1 / i ** THETA;
  return 1 / (rank + 1) ** THETA / zeta;
}

function counts(next: () => number, items: number, samples: number): Float64Array {
  const out = new Float64Array(items);
  for (let i = 0; i < samples; i++) {
    const v = next();
    if (!(Number.isInteger(v) && v >= 0 && v < items)) throw new Error(`out of range: ${v}`);
    out[v]!++;
  }
  return out;
}

describe('Random', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('gives floats in [0, 1) and a true permutation', () => {
    const r = new Random(testSeed());
    for (let i = 0; i < 10_000; i++) {
      const f = r.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
    const p = r.permutation(1000);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });
});

/**
 * The probability of each index under the generator's specification (Gray et al.'s method as
 * used by YCSB): exact for ranks 0 and 1, a closed-form inverse CDF above them.
 */
function specifiedProbabilities(items: number): Float64Array {
  let zetaN = 0;
  for (let i = 1; i <= items; i++) zetaN += 1 / i ** THETA;
  const zeta2 = 1 + 1 / 2 ** THETA;
  const eta = (1 - (2 / items) ** (1 - THETA)) / (1 - zeta2 / zetaN);
  const p = new Float64Array(items);
  const low = (1 + 0.5 ** THETA) / zetaN;
  p[0] = 1 / zetaN;
  p[1] = low - 1 / zetaN;
  // Above `low`, index i is returned for u in [u(i), u(i + 1)), u(i) = ((i/n)^(1-θ) - 1 + η) / η.
  const u = (i: number) => ((i / items) ** (1 - THETA) - 1 + eta) / eta;
  for (let i = 0; i < items; i++) {
    const from = Math.max(u(i), low);
    const to = i === items - 1 ? 1 : Math.min(u(i + 1), 1);
    if (to > from) p[i]! += to - from;
  }
  return p;
}

/** Pearson's chi-square over the first `k` indices plus one bucket for the rest. */
function chiSquare(observed: Float64Array, probabilities: Float64Array, samples: number, k: number): number {
  let chi = 0;
  let restObserved = samples;
  let restExpected = samples;
  for (let i = 0; i < k; i++) {
    const expected = probabilities[i]! * samples;
    chi += (observed[i]! - expected) ** 2 / expected;
    restObserved -= observed[i]!;
    restExpected -= expected;
  }
  return chi + (restObserved - restExpected) ** 2 / restExpected;
}

/** Chi-square critical value for 30 degrees of freedom at p = 0.0001 (Wilson-Hilferty). */
const CHI2_30_DF = 68;

describe('ZipfianGenerator', () => {
  const items = 1000;
  const samples = 200_000;

  it('matches its specified distribution (chi-square, 30 dof, p = 1e-4)', () => {
    const zipf = new ZipfianGenerator(new Random(testSeed()), items);
    const observed = counts(() => zipf.next(), items, samples);
    const p = specifiedProbabilities(items);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(chiSquare(observed, p, samples, 30)).toBeLessThan(CHI2_30_DF);
  });

  it('follows the zipf(0.99) rank-frequency law: exact top two ranks, log-log slope near -0.99', () => {
    const zipf = new ZipfianGenerator(new Random(testSeed()), items);
    const observed = counts(() => zipf.next(), items, samples);
    for (const rank of [0, 1]) expect(observed[rank]! / samples / expectedShare(rank, items)).toBeCloseTo(1, 1);
    for (let rank = 2; rank < 20; rank++) {
      const ratio = observed[rank]! / samples / expectedShare(rank, items);
      expect(ratio).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.25);
    }
    let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let rank = 1; rank <= 200; rank++) {
      const x = Math.log(rank);
      const y = Math.log(observed[rank - 1]!);
      n++; sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    expect(slope).toBeGreaterThan(-1.06);
    expect(slope).toBeLessThan(-0.93);
  });

  it('a uniform stream fails the same chi-square test (the test can fail)', () => {
    const uniform = new UniformGenerator(new Random(testSeed()), items);
    const observed = counts(() => uniform.next(), items, samples);
    expect(chiSquare(observed, specifiedProbabilities(items), samples, 30)).toBeGreaterThan(CHI2_30_DF * 10);
  });

  it('grows incrementally to the same state as one built at the larger size', () => {
    const grown = new ZipfianGenerator(new Random(7), 500);
    grown.grow(1000);
    const built = new ZipfianGenerator(new Random(7), 1000);
    const a = Array.from({ length: 2000 }, () => grown.next());
    const b = Array.from({ length: 2000 }, () => built.next());
    expect(a).toEqual(b);
    expect(grown.itemCount).toBe(1000);
  });

  it('rejects bad parameters', () => {
    expect(() => new ZipfianGenerator(new Random(1), 0)).toThrow(RangeError);
    expect(() => new ZipfianGenerator(new Random(1), 2.5)).toThrow(RangeError);
    expect(() => new ZipfianGenerator(new Random(1), 10, 1)).toThrow(RangeError);
    expect(() => new ZipfianGenerator(new Random(1), 10, 0)).toThrow(RangeError);
  });
});

describe('ScrambledZipfianGenerator', () => {
  it('uses YCSB\'s FNV-1a 64-bit hash', () => {
    expect(fnvHash64(0)).toBe(0xa8c7f832281a39c5n);
    expect(fnvHash64(1)).toBe(0x89cd31291d2aefa4n);
    expect(fnvHash64(12345)).toBe(0xe71eb185e2edcc4cn);
  });

  it('moves the hottest item from index 0 to hash(0) mod n, keeping zipf popularity', () => {
    const items = 1000;
    const samples = 100_000;
    const scrambled = new ScrambledZipfianGenerator(new Random(testSeed()), items);
    const observed = counts(() => scrambled.next(), items, samples);
    const hottest = observed.indexOf(Math.max(...observed));
    expect(hottest).toBe(Number(fnvHash64(0) % BigInt(items)));
    expect(hottest).not.toBe(0);
    expect(observed[hottest]! / samples).toBeGreaterThanOrEqual(expectedShare(0, items) * 0.9);
  });
});

describe('SkewedLatestGenerator', () => {
  it('prefers the newest items and never returns one not yet inserted', () => {
    const latest = new SkewedLatestGenerator(new Random(testSeed()), 100);
    latest.setItemCount(150);
    const observed = counts(() => latest.next(), 150, 50_000);
    expect(observed.indexOf(Math.max(...observed))).toBe(149);
    expect(observed[149]!).toBeGreaterThan(observed[100]! * 10);
  });
});

describe('UniformGenerator', () => {
  it('is flat (chi-square over 10 buckets, 9 dof, p = 1e-4)', () => {
    const uniform = new UniformGenerator(new Random(testSeed()), 10);
    const observed = counts(() => uniform.next(), 10, 100_000);
    const chi = [...observed].reduce((sum, o) => sum + (o - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(33.7);
  });
});
