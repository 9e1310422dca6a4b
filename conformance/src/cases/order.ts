import { expect } from 'vitest';
import type { Case } from '../case.js';
import { bytes, hexKeys } from '../support/bytes.js';
import { readAll } from '../support/read.js';

const group = 'bytewise order';

/** Written in shuffled order; the expected iteration order is spelled out by hand. */
const SORTED = [
  [],
  [0x00],
  [0x00, 0x00],
  [0x00, 0xff],
  [0x01],
  [0x01, 0x00],
  [0x01, 0x01],
  [0x02],
  [0x0b],
  [0x41],
  [0x41, 0x42],
  [0x61],
  [0x7f],
  [0x7f, 0xff],
  [0x80],
  [0x80, 0x00],
  [0xa0],
  [0xc0],
  [0xc3, 0xa9],
  [0xfe],
  [0xff],
  [0xff, 0x00],
  [0xff, 0xff],
].map((k) => Uint8Array.from(k));

function shuffled<T>(items: readonly T[]): T[] {
  // A fixed permutation: deterministic, and far from sorted.
  return items.map((item, i) => ({ item, rank: (i * 7919) % 101 })).sort((a, b) => a.rank - b.rank).map((x) => x.item);
}

const hexOf = (keys: Uint8Array[]) => keys.map((k) => Buffer.from(k).toString('hex'));

export const orderCases: Case[] = [
  {
    group,
    name: 'keys [2], [11], [1] iterate as [1], [2], [11]',
    async run({ ks }) {
      for (const k of [bytes(2), bytes(11), bytes(1)]) await ks.put(k, k);
      expect(hexKeys(await readAll(ks))).toEqual(['01', '02', '0b']);
    },
  },
  {
    group,
    name: 'bytes 0x80, 0xA0, 0xC0 sort above 0x7F (unsigned bytes)',
    async run({ ks }) {
      for (const k of [bytes(0xc0), bytes(0x80), bytes(0x7f), bytes(0xa0), bytes(0x01)]) await ks.put(k, k);
      expect(hexKeys(await readAll(ks))).toEqual(['01', '7f', '80', 'a0', 'c0']);
      expect(hexKeys(await readAll(ks, { gt: bytes(0x7f) }))).toEqual(['80', 'a0', 'c0']);
      expect(hexKeys(await readAll(ks, { gte: bytes(0x80), lt: bytes(0xc0) }))).toEqual(['80', 'a0']);
    },
  },
  {
    group,
    name: 'a shorter prefix sorts first',
    async run({ ks }) {
      for (const k of [bytes(1, 1), bytes(1, 0, 0), bytes(2), bytes(1), bytes(1, 0)]) await ks.put(k, k);
      expect(hexKeys(await readAll(ks))).toEqual(['01', '0100', '010000', '0101', '02']);
    },
  },
  {
    group,
    name: 'a mixed set of binary keys iterates in memcmp order',
    async run({ ks }) {
      for (const k of shuffled(SORTED)) await ks.put(k, k);
      expect(hexKeys(await readAll(ks))).toEqual(hexOf(SORTED));
    },
  },
  {
    group,
    name: 'reverse iteration is exactly the reverse of memcmp order',
    async run({ ks }) {
      for (const k of shuffled(SORTED)) await ks.put(k, k);
      expect(hexKeys(await readAll(ks, { reverse: true }))).toEqual(hexOf(SORTED).reverse());
    },
  },
  {
    group,
    name: 'keys written in one batch iterate in memcmp order',
    async run(ctx) {
      await ctx.engine.write(shuffled(SORTED).map((k) => ctx.put(k, k)));
      expect(hexKeys(await readAll(ctx.ks))).toEqual(hexOf(SORTED));
    },
  },
  {
    group,
    name: 'multi-byte big-endian counters iterate numerically',
    async run(ctx) {
      const numbers = [0, 1, 255, 256, 257, 65535, 65536, 1 << 24, 0x7fffffff, 0x80000000, 0xffffffff];
      const key = (n: number) => {
        const out = new Uint8Array(4);
        new DataView(out.buffer).setUint32(0, n);
        return out;
      };
      await ctx.engine.write([...numbers].reverse().map((n) => ctx.put(key(n), key(n))));
      expect(hexKeys(await readAll(ctx.ks))).toEqual(numbers.map((n) => Buffer.from(key(n)).toString('hex')));
    },
  },
];
