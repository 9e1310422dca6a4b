import { expect } from 'vitest';
import type { Entry, Range } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { hex, hexEntries, valueFor } from '../support/bytes.js';
import { matchesRange } from '../support/oracle.js';
import { readAll } from '../support/read.js';
import { MATRIX_KEYS, describeRange } from './range-matrix.js';

const group = 'delRange and clear';
const b = (...values: number[]) => Uint8Array.from(values);

const RANGES: Range[] = [
  {},
  { gte: b(0x41) },
  { gt: b(0x41) },
  { lt: b(0x41, 0x80) },
  { lte: b(0x7f) },
  { gt: b(0x00, 0xff), lte: b(0x80, 0x00) },
  { gte: b(0x42), lt: b(0x42, 0xff) },
  { prefix: b(0xff) },
  { prefix: b(0x00) },
  { prefix: b() },
  { gte: b(0x80), lte: b(0x41) }, // crossed: deletes nothing
  { gt: b(0xff, 0xff, 0xff) }, // beyond every key
];

async function fill(ctx: CaseContext): Promise<Entry[]> {
  const data: Entry[] = MATRIX_KEYS.map((k) => [k, valueFor(k)]);
  await ctx.engine.write(data.map(([k, v]) => ctx.put(k, v)));
  return data;
}

const remaining = (data: Entry[], range: Range) => hexEntries(data.filter(([k]) => !matchesRange(k, range)));

export const deleteRangeCases: Case[] = [
  ...RANGES.map((range): Case => ({
    group,
    name: `delRange deletes exactly ${describeRange(range)}`,
    async run(ctx) {
      const data = await fill(ctx);
      await ctx.engine.write([ctx.delRange(range)]);
      expect(hexEntries(await readAll(ctx.ks))).toEqual(remaining(data, range));
    },
  })),
  ...RANGES.map((range): Case => ({
    group,
    name: `clear deletes exactly ${describeRange(range)}`,
    async run(ctx) {
      const data = await fill(ctx);
      await ctx.ks.clear(range);
      expect(hexEntries(await readAll(ctx.ks))).toEqual(remaining(data, range));
    },
  })),
  {
    group,
    name: 'clear() with no range empties the keyspace, which stays usable',
    async run(ctx) {
      await fill(ctx);
      await ctx.ks.clear();
      expect(await readAll(ctx.ks)).toEqual([]);
      await ctx.ks.put(b(1), b(2));
      expect(hexEntries(await readAll(ctx.ks))).toEqual([['01', '02']]);
    },
  },
  {
    group,
    name: 'clear ignores reverse and limit: the whole range is deleted',
    async run(ctx) {
      const data = await fill(ctx);
      const range = { gte: b(0x41), reverse: true, limit: 2 };
      await ctx.ks.clear(range);
      expect(hexEntries(await readAll(ctx.ks))).toEqual(remaining(data, { gte: b(0x41) }));
    },
  },
  {
    group,
    name: 'clear and delRange on an empty keyspace succeed',
    async run(ctx) {
      await ctx.ks.clear();
      await ctx.ks.clear({ gte: b(1) });
      await ctx.engine.write([ctx.delRange({ prefix: b(1) })]);
      expect(await readAll(ctx.ks)).toEqual([]);
    },
  },
  {
    group,
    name: 'delRange removes keys that a later get, getMany and iterate no longer see',
    async run(ctx) {
      await fill(ctx);
      await ctx.engine.write([ctx.delRange({ prefix: b(0x41) })]);
      expect(await ctx.ks.get(b(0x41))).toBeUndefined();
      expect((await ctx.ks.getMany([b(0x41, 0x00), b(0x42)])).map(hex)).toEqual([undefined, hex(valueFor(b(0x42)))]);
      expect(await readAll(ctx.ks, { prefix: b(0x41) })).toEqual([]);
      expect(await readAll(ctx.ks, { prefix: b(0x41), reverse: true })).toEqual([]);
    },
  },
];
