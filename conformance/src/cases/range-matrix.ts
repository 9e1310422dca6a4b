/**
 * The generated range matrix: gt/gte/lt/lte/prefix combinations over binary keys with
 * 0x00/0xFF bytes and bounds that fall between keys, each forward and reverse, each with a
 * series of limits. Expected results come from the plain oracle; every reverse case is also
 * checked against the forward result reversed.
 */
import { expect } from 'vitest';
import type { Case, CaseContext } from '../case.js';
import type { Entry, Range } from '@tidekv/core';
import { hex, hexEntries, valueFor } from '../support/bytes.js';
import { expectedRange } from '../support/oracle.js';
import { readAll } from '../support/read.js';

const group = 'range matrix';
const b = (...values: number[]) => Uint8Array.from(values);

/** 41 keys: the empty key, and five keys under each of eight leading bytes. */
export const MATRIX_KEYS: Uint8Array[] = [
  b(),
  ...[0x00, 0x01, 0x41, 0x42, 0x7f, 0x80, 0xfe, 0xff].flatMap((hi) => [b(hi), b(hi, 0x00), b(hi, 0x41), b(hi, 0xff), b(hi, 0xff, 0xff)]),
];

/** Bounds on keys, between keys, at the very bottom and beyond the top. */
const BOUNDS: Uint8Array[] = [b(), b(0x00), b(0x41), b(0x41, 0x80), b(0x60), b(0x80), b(0xff), b(0xff, 0xff, 0xff, 0x00)];

const PAIRS: [Uint8Array, Uint8Array][] = [
  [b(0x00, 0xff), b(0x42, 0x41)],
  [b(0x41, 0x80), b(0x80)],
  [b(0x01), b(0x01, 0xff, 0xff)],
];

function specs(): Range[] {
  const out: Range[] = [];
  for (const bound of BOUNDS) for (const op of ['gt', 'gte', 'lt', 'lte'] as const) out.push({ [op]: bound });
  for (const [lo, hi] of PAIRS) {
    for (const lower of ['gt', 'gte'] as const) for (const upper of ['lt', 'lte'] as const) out.push({ [lower]: lo, [upper]: hi });
  }
  // crossed and touching bounds
  out.push({ gte: b(0x80), lte: b(0x41) }, { gt: b(0x41), lt: b(0x41) }, { gte: b(0x41), lte: b(0x41) }, { gt: b(0x41), lte: b(0x41) });
  // gte wins over gt, lte over lt
  out.push({ gt: b(0x41), gte: b(0x80) }, { gte: b(0x41), gt: b(0x80) }, { lt: b(0x41), lte: b(0x80) }, { lte: b(0x41), lt: b(0x80) });
  // prefixes, alone and intersected with bounds
  for (const prefix of [b(), b(0x00), b(0x41), b(0x41, 0xff), b(0xff), b(0xff, 0xff), b(0x50), b(0x7f, 0xff)]) out.push({ prefix });
  out.push({ prefix: b(0x41), gt: b(0x41, 0x00) }, { prefix: b(0xff), lt: b(0xff, 0xff) }, { prefix: b(0x41), gte: b(0x80) });
  return out;
}

export function describeRange(range: Range): string {
  const parts = Object.entries(range).map(([name, value]) =>
    value instanceof Uint8Array ? `${name} ${value.length ? hex(value) : '(empty)'}` : `${name} ${String(value)}`,
  );
  return parts.length ? parts.join(', ') : 'no bounds';
}

const LIMITS = [0, 1, 2, 7, 1000, Infinity];

/** Writes every matrix key with its value in one batch; returns the entries written. */
async function writeMatrix(ctx: CaseContext): Promise<Entry[]> {
  const data: Entry[] = MATRIX_KEYS.map((key) => [key, valueFor(key)]);
  await ctx.engine.write(data.map(([k, v]) => ctx.put(k, v)));
  return data;
}

export const rangeMatrixCases: Case[] = specs().flatMap((spec): Case[] => [
  {
    group,
    name: `forward: ${describeRange(spec)}`,
    async run(ctx) {
      const data = await writeMatrix(ctx);
      const forward = await readAll(ctx.ks, spec);
      expect(hexEntries(forward)).toEqual(hexEntries(expectedRange(data, spec)));
      for (const limit of LIMITS) {
        const range = { ...spec, limit };
        expect(hexEntries(await readAll(ctx.ks, range)), `limit ${limit}`).toEqual(hexEntries(forward.slice(0, limit)));
      }
      if (ctx.caps.syncReads && ctx.ks.iterateSync) {
        expect(hexEntries([...ctx.ks.iterateSync({ ...spec, limit: 3 })]), 'iterateSync').toEqual(hexEntries(forward.slice(0, 3)));
      }
    },
  },
  {
    group,
    name: `reverse: ${describeRange(spec)}`,
    async run(ctx) {
      const data = await writeMatrix(ctx);
      const forward = await readAll(ctx.ks, spec);
      const reverse = await readAll(ctx.ks, { ...spec, reverse: true });
      expect(hexEntries(reverse), 'reverse = forward reversed').toEqual(hexEntries([...forward].reverse()));
      expect(hexEntries(reverse)).toEqual(hexEntries(expectedRange(data, { ...spec, reverse: true })));
      for (const limit of LIMITS) {
        // reverse + limit returns the highest keys
        const expected = limit === 0 ? [] : forward.slice(-limit).reverse();
        expect(hexEntries(await readAll(ctx.ks, { ...spec, reverse: true, limit })), `reverse, limit ${limit}`).toEqual(hexEntries(expected));
      }
      if (ctx.caps.syncReads && ctx.ks.iterateSync) {
        expect(hexEntries([...ctx.ks.iterateSync({ ...spec, reverse: true, limit: 3 })]), 'iterateSync').toEqual(hexEntries(reverse.slice(0, 3)));
      }
    },
  },
]);
