import { expect } from 'vitest';
import type { Capabilities } from '@tidekv/core';
import type { Case } from '../case.js';
import { hex, patterned, sameBytes, utf8 } from '../support/bytes.js';
import { expectTidekvError } from '../support/expect-error.js';
import { captureState, expectStateUnchanged } from '../support/state.js';
import { readAll } from '../support/read.js';

const group = 'size limits and load';
const MiB = 1024 * 1024;
/** Above this a size is not allocated in a test (the 2-core test machines are small). */
const ALLOCATABLE = 64 * MiB;

const keyLimitTestable = (caps: Capabilities) =>
  caps.maxKeySize < ALLOCATABLE ? false : `maxKeySize ${caps.maxKeySize} is too large to allocate in a test`;
const valueLimitTestable = (caps: Capabilities) =>
  caps.maxValueSize < ALLOCATABLE ? false : `maxValueSize ${caps.maxValueSize} is too large to allocate in a test`;
const allowsValue = (size: number) => (caps: Capabilities) =>
  caps.maxValueSize >= size ? false : `maxValueSize ${caps.maxValueSize} is below ${size} bytes`;

function largeValueCase(size: number, label: string): Case {
  return {
    group,
    name: `a ${label} value round-trips through put, get, iterate and write`,
    skip: allowsValue(size),
    timeout: 120_000,
    async run(ctx) {
      const value = patterned(size, size);
      await ctx.ks.put(utf8('big'), value);
      expect(sameBytes(await ctx.ks.get(utf8('big')), value), 'get returns the same bytes').toBe(true);
      const [[key, iterated]] = (await readAll(ctx.ks)) as [[Uint8Array, Uint8Array]];
      expect(hex(key)).toBe(hex(utf8('big')));
      expect(sameBytes(iterated, value), 'iterate returns the same bytes').toBe(true);
      const second = patterned(size, size + 1);
      await ctx.engine.write([ctx.put(utf8('big2'), second)]);
      expect(sameBytes(await ctx.ks.get(utf8('big2')), second)).toBe(true);
    },
  };
}

export const limitCases: Case[] = [
  {
    group,
    name: 'a key of exactly maxKeySize bytes works; one byte more fails KEY_TOO_LARGE everywhere',
    skip: keyLimitTestable,
    async run(ctx) {
      const max = ctx.caps.maxKeySize;
      const key = patterned(max, 7);
      await ctx.ks.put(key, utf8('max'));
      expect(hex(await ctx.ks.get(key))).toBe(hex(utf8('max')));
      expect((await readAll(ctx.ks)).map(([k]) => sameBytes(k, key))).toEqual([true]);
      const before = await captureState(ctx.engine, [ctx.pass.keyspace]);
      const tooLarge = patterned(max + 1, 7);
      await expectTidekvError(() => ctx.ks.put(tooLarge, utf8('x')), 'KEY_TOO_LARGE', 'put');
      await expectTidekvError(() => ctx.engine.write([ctx.put(tooLarge, utf8('x'))]), 'KEY_TOO_LARGE', 'write put');
      await expectTidekvError(() => ctx.engine.write([ctx.del(tooLarge)]), 'KEY_TOO_LARGE', 'write del');
      await expectTidekvError(() => ctx.ks.del(tooLarge), 'KEY_TOO_LARGE', 'del');
      await expectTidekvError(() => ctx.ks.get(tooLarge), 'KEY_TOO_LARGE', 'get');
      await expectTidekvError(() => ctx.ks.getMany([key, tooLarge]), 'KEY_TOO_LARGE', 'getMany');
      await expectStateUnchanged(ctx.engine, before, 'a too-large key');
    },
  },
  {
    group,
    name: 'a value of exactly maxValueSize bytes works; one byte more fails VALUE_TOO_LARGE',
    skip: valueLimitTestable,
    timeout: 120_000,
    async run(ctx) {
      const max = ctx.caps.maxValueSize;
      const value = patterned(max, 3);
      await ctx.ks.put(utf8('max'), value);
      expect(sameBytes(await ctx.ks.get(utf8('max')), value)).toBe(true);
      const before = await captureState(ctx.engine, [ctx.pass.keyspace]);
      const tooLarge = new Uint8Array(max + 1);
      await expectTidekvError(() => ctx.ks.put(utf8('over'), tooLarge), 'VALUE_TOO_LARGE', 'put');
      await expectTidekvError(() => ctx.engine.write([ctx.put(utf8('a'), utf8('a')), ctx.put(utf8('over'), tooLarge)]), 'VALUE_TOO_LARGE', 'write');
      await expectStateUnchanged(ctx.engine, before, 'a too-large value');
    },
  },
  largeValueCase(MiB, '1 MiB'),
  largeValueCase(8 * MiB, '8 MiB'),
  {
    group,
    name: '100 parallel puts all land',
    async run(ctx) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => ctx.ks.put(utf8(`p${String(i).padStart(3, '0')}`), Uint8Array.of(i))));
      const entries = await readAll(ctx.ks);
      expect(entries.length).toBe(100);
      entries.forEach(([, value], i) => expect(value[0]).toBe(i));
    },
  },
  {
    group,
    name: '100 parallel write() batches, across keyspaces, all land',
    async run(ctx) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          ctx.engine.write([
            ctx.put(utf8(`w${String(i).padStart(3, '0')}`), Uint8Array.of(i)),
            { type: 'put', keyspace: 'conformance-other', key: Uint8Array.of(i), value: Uint8Array.of(i) },
          ]),
        ),
      );
      expect((await readAll(ctx.ks)).length).toBe(100);
      expect((await readAll(ctx.engine.keyspace('conformance-other'))).length).toBe(100);
    },
  },
  {
    group,
    name: '100 parallel reads and writes on overlapping keys stay consistent',
    async run(ctx) {
      const key = (i: number) => Uint8Array.of(i % 10);
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          if (i % 2 === 0) await ctx.ks.put(key(i), Uint8Array.of(i % 10, 1));
          else {
            // reads a key an even-numbered writer may or may not have written yet
            const value = await ctx.ks.get(key(i - 1));
            if (value !== undefined) expect(hex(value)).toBe(hex(Uint8Array.of((i - 1) % 10, 1)));
          }
        }),
      );
      const entries = await readAll(ctx.ks);
      expect(entries.map(([k]) => k[0])).toEqual([0, 2, 4, 6, 8]);
    },
  },
  {
    group,
    name: '5000 keys written in batches iterate completely in order',
    timeout: 120_000,
    async run(ctx) {
      const keys = Array.from({ length: 5000 }, (_, i) => {
        const k = new Uint8Array(4);
        new DataView(k.buffer).setUint32(0, Math.imul(i, 2654435761) >>> 0);
        return k;
      });
      for (let i = 0; i < keys.length; i += 1000) await ctx.engine.write(keys.slice(i, i + 1000).map((k) => ctx.put(k, k)));
      const entries = await readAll(ctx.ks);
      const sorted = [...keys].sort((a, b) => Buffer.compare(a, b));
      expect(entries.length).toBe(5000);
      expect(entries.map(([k]) => hex(k))).toEqual(sorted.map((k) => hex(k)));
    },
  },
];
