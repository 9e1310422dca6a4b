import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aboveLower,
  belowUpper,
  compareBytes,
  inRange,
  isTidekvError,
  normalizeRange,
  prefixSuccessor,
  toHalfOpen,
  type Range,
} from '../src/index.js';
import { propertySeed } from './seed.js';

const b = (...bytes: number[]) => Uint8Array.from(bytes);

/** The contract's rule written as directly as possible, to check normalizeRange against. */
function matchesByDefinition(key: Uint8Array, range: Range): boolean {
  const c = (x: Uint8Array) => compareBytes(key, x);
  if (range.gte) {
    if (c(range.gte) < 0) return false;
  } else if (range.gt && c(range.gt) <= 0) return false;
  if (range.lte) {
    if (c(range.lte) > 0) return false;
  } else if (range.lt && c(range.lt) >= 0) return false;
  if (range.prefix) {
    if (key.length < range.prefix.length) return false;
    for (let i = 0; i < range.prefix.length; i++) if (key[i] !== range.prefix[i]) return false;
  }
  return true;
}

const byteArb = fc.oneof(fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff), fc.integer({ min: 0, max: 255 }));
const keyArb = fc.array(byteArb, { maxLength: 4 }).map((a) => Uint8Array.from(a));
const rangeArb = fc.record(
  { gt: keyArb, gte: keyArb, lt: keyArb, lte: keyArb, prefix: keyArb },
  { requiredKeys: [] },
);

describe('normalizeRange', () => {
  it('gte wins over gt and lte over lt', () => {
    const r = normalizeRange({ gt: b(5), gte: b(3), lt: b(1), lte: b(9) });
    expect(r.lower).toEqual({ key: b(3), inclusive: true });
    expect(r.upper).toEqual({ key: b(9), inclusive: true });
  });

  it('turns a prefix into [prefix, successor) and intersects it with other bounds', () => {
    const r = normalizeRange({ prefix: b(1, 0xff), gt: b(1, 0xff, 3) });
    expect(r.lower).toEqual({ key: b(1, 0xff, 3), inclusive: false });
    expect(r.upper).toEqual({ key: b(2), inclusive: false });
  });

  it('treats an all-0xFF or empty prefix as having no upper bound', () => {
    expect(normalizeRange({ prefix: b(0xff, 0xff) }).upper).toBeUndefined();
    expect(normalizeRange({ prefix: b() }).upper).toBeUndefined();
    expect(normalizeRange({ prefix: b() }).lower).toEqual({ key: b(), inclusive: true });
  });

  it('marks crossed bounds, touching exclusive bounds and limit 0 as empty', () => {
    expect(normalizeRange({ gt: b(5), lt: b(3) }).empty).toBe(true);
    expect(normalizeRange({ gte: b(5), lt: b(5) }).empty).toBe(true);
    expect(normalizeRange({ gte: b(5), lte: b(5) }).empty).toBe(false);
    expect(normalizeRange({ limit: 0 }).empty).toBe(true);
    expect(normalizeRange({}).empty).toBe(false);
    expect(normalizeRange().limit).toBe(Infinity);
  });

  it.each([
    [{ gt: 'a' }, 'INVALID_RANGE'],
    [{ lte: null }, 'INVALID_RANGE'],
    [{ prefix: [1, 2] }, 'INVALID_RANGE'],
    [{ limit: -1 }, 'INVALID_RANGE'],
    [{ limit: 1.5 }, 'INVALID_RANGE'],
    [{ limit: Number.NaN }, 'INVALID_RANGE'],
    [{ limit: '3' }, 'INVALID_RANGE'],
    [{ reverse: 1 }, 'INVALID_RANGE'],
    [{ start: b(1) }, 'INVALID_RANGE'],
    [null, 'INVALID_RANGE'],
    ['abc', 'INVALID_RANGE'],
    [[], 'INVALID_RANGE'],
  ])('rejects %o with %s', (input, code) => {
    let caught: unknown;
    try {
      normalizeRange(input);
    } catch (error) {
      caught = error;
    }
    expect(isTidekvError(caught, code as 'INVALID_RANGE')).toBe(true);
  });

  it('agrees with the definition, and toHalfOpen agrees with it, for random keys and ranges', () => {
    const seed = propertySeed('normalizeRange');
    fc.assert(
      fc.property(rangeArb, fc.array(keyArb, { maxLength: 30 }), (range, keys) => {
        const normalized = normalizeRange(range);
        const { start, end } = toHalfOpen(normalized);
        for (const key of keys) {
          const expected = matchesByDefinition(key, range);
          expect(inRange(key, normalized)).toBe(expected);
          const halfOpen = (!start || compareBytes(key, start) >= 0) && (!end || compareBytes(key, end) < 0);
          expect(halfOpen).toBe(expected);
          if (normalized.empty) expect(expected).toBe(false);
        }
      }),
      { seed, numRuns: 3000 },
    );
  });
});

describe('bound helpers', () => {
  it('respect inclusivity', () => {
    expect(aboveLower(b(1), { key: b(1), inclusive: true })).toBe(true);
    expect(aboveLower(b(1), { key: b(1), inclusive: false })).toBe(false);
    expect(belowUpper(b(1), { key: b(1), inclusive: true })).toBe(true);
    expect(belowUpper(b(1), { key: b(1), inclusive: false })).toBe(false);
    expect(aboveLower(b(), undefined)).toBe(true);
    expect(belowUpper(b(0xff), undefined)).toBe(true);
  });

  it('prefixSuccessor drops trailing 0xFF and increments', () => {
    expect(prefixSuccessor(b(1, 2, 0xff, 0xff))).toEqual(b(1, 3));
    expect(prefixSuccessor(b(0xff))).toBeUndefined();
    const input = b(7);
    prefixSuccessor(input);
    expect(input).toEqual(b(7)); // never mutates its input
  });
});
