/**
 * Range mapping onto lmdb-js getRange: every bound combination, both directions, limits,
 * paginated chunks, bounds at and beyond the key-size limit, checked against a sorted model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareBytes, inRange, normalizeRange, type Entry, type Range } from '@tidekv/core';
import { LMDB_MAX_KEY_SIZE } from '../src/index.js';
import { openTemp, b, hex } from './helpers.js';
import { propertySeed } from './seed.js';

const seed = propertySeed('lmdb ranges');

/** Keys over a tiny alphabet so bounds often hit, straddle and prefix stored keys. */
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3 }).map((k) => k.map((x) => [0x00, 0x01, 0x7f, 0x80, 0xff][x % 5]!));

function model(keys: Uint8Array[], range: Range): string[] {
  const normalized = normalizeRange(range);
  const sorted = [...new Map(keys.map((k) => [hex(k), k])).values()].sort(compareBytes);
  let out = normalized.empty ? [] : sorted.filter((k) => inRange(k, normalized));
  if (normalized.reverse) out = out.reverse();
  return out.slice(0, normalized.limit === Infinity ? undefined : normalized.limit).map(hex);
}

const hexKeys = (entries: Iterable<Entry>): string[] => [...entries].map(([k]) => hex(k));

describe('lmdb range mapping', () => {
  // A fixed key set and every combination of lower (none/gt/gte) x upper (none/lt/lte) x
  // reverse, for every bound value drawn from the keys and points between them.
  it('matches the model for every bound combination, forward and reverse', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const stored = [b(), b(0), b(0, 0), b(0, 1), b(1), b(1, 0xff), b(0x80), b(0xff), b(0xff, 0xff)];
    await engine.write(stored.map((key) => ({ type: 'put', key, value: key })));
    const points = [...stored, b(0, 0, 0), b(0x7f), b(0xff, 0xff, 0xff), b(2)];
    for (const lowerKind of [undefined, 'gt', 'gte'] as const) {
      for (const upperKind of [undefined, 'lt', 'lte'] as const) {
        for (const lo of lowerKind ? points : [undefined]) {
          for (const hi of upperKind ? points : [undefined]) {
            for (const reverse of [false, true]) {
              const range: Range = { reverse };
              if (lowerKind && lo) range[lowerKind] = lo;
              if (upperKind && hi) range[upperKind] = hi;
              const expected = model(stored, range);
              const label = JSON.stringify({ lowerKind, lo: lo && hex(lo), upperKind, hi: hi && hex(hi), reverse });
              expect(hexKeys(ks.iterateSync!(range)), label).toEqual(expected);
              expect(hexKeys(await ks.iterate(range).all()), label).toEqual(expected);
            }
          }
        }
      }
    }
  });

  it('matches the model on random keys and ranges (property)', async () => {
    const engine = await openTemp();
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(keyArb, { maxLength: 24 }),
        fc.record(
          { gt: keyArb, gte: keyArb, lt: keyArb, lte: keyArb, prefix: keyArb, reverse: fc.boolean(), limit: fc.nat(8) },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 5 }),
        async (keys, range, chunk) => {
          const ks = engine.keyspace(`p${round++ % 50}`);
          await ks.clear();
          if (keys.length > 0) await engine.write(keys.map((key) => ({ type: 'put', keyspace: ks.name, key, value: b(1) })));
          const expected = model(keys, range);
          expect(hexKeys(ks.iterateSync!(range))).toEqual(expected);
          // Small nextv sizes force the paginated path to resume after every few keys.
          const iterator = ks.iterate(range);
          const got: Entry[] = [];
          for (;;) {
            const part = await iterator.nextv(chunk);
            if (part.length === 0) break;
            got.push(...part);
          }
          await iterator.close();
          expect(hexKeys(got)).toEqual(expected);
        },
      ),
      { seed, numRuns: 150 },
    );
  });

  it('keeps limits exact in both directions (reverse + limit gives the highest keys)', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write([...Array(10).keys()].map((i) => ({ type: 'put', key: b(i), value: b(i) })));
    expect(hexKeys(await ks.iterate({ limit: 3 }).all())).toEqual(['00', '01', '02']);
    expect(hexKeys(await ks.iterate({ reverse: true, limit: 3 }).all())).toEqual(['09', '08', '07']);
    expect(hexKeys(ks.iterateSync!({ reverse: true, limit: 3, lt: b(5) }))).toEqual(['04', '03', '02']);
    expect(hexKeys(await ks.iterate({ limit: 0 }).all())).toEqual([]);
    expect(hexKeys(ks.iterateSync!({ limit: 0 }))).toEqual([]);
  });

  it('handles bounds of exactly the maximum key size and bounds longer than any key', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const max = new Uint8Array(LMDB_MAX_KEY_SIZE).fill(0x41);
    const below = max.slice(0, LMDB_MAX_KEY_SIZE - 1);
    const above = new Uint8Array(LMDB_MAX_KEY_SIZE + 10).fill(0x41); // > max: no key can equal it
    const after = b(0x42);
    const stored = [b(), below, max, after];
    await engine.write(stored.map((key) => ({ type: 'put', key, value: b(1) })));
    const ranges: Range[] = [];
    for (const bound of [max, above]) {
      for (const reverse of [false, true]) {
        ranges.push({ gt: bound, reverse }, { gte: bound, reverse }, { lt: bound, reverse }, { lte: bound, reverse });
        ranges.push({ prefix: bound, reverse }, { gte: below, lte: bound, reverse }, { gt: below, lt: bound, reverse });
      }
    }
    for (const range of ranges) {
      const expected = model(stored, range);
      expect(hexKeys(ks.iterateSync!(range))).toEqual(expected);
      expect(hexKeys(await ks.iterate(range).all())).toEqual(expected);
    }
    expect(await ks.iterate({ gt: above }).all()).toHaveLength(1); // only 0x42
  });
});
