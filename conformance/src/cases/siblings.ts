/**
 * Sibling entry points held to the same properties: every range read path gets the same
 * bounds (prefix combined with gt/gte/lt/lte, reverse, limit, bounds given as Buffers and as
 * views at an offset), every point read path the same keys, every delete path the same
 * ranges; and every read path returns bytes the caller owns and forgets deleted keys.
 */
import { expect } from 'vitest';
import type { Entry, Range } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { hex, hexEntries, valueFor } from '../support/bytes.js';
import { expectedRange, matchesRange } from '../support/oracle.js';
import { DELETE_PATHS, POINT_READ_PATHS, PUT_PATHS, RANGE_DELETE_PATHS, RANGE_READ_PATHS } from '../support/paths.js';
import { readAll } from '../support/read.js';

const group = 'sibling entry points';
const b = (...values: number[]) => Uint8Array.from(values);
const A = 0x61;

/** Keys around the prefix 'a' (0x61): its own key, its neighbours, 0x00 and 0xff edges. */
const KEYS: Uint8Array[] = [
  b(),
  b(0x60, 0xff),
  b(A),
  b(A, 0x00),
  b(A, 0x01),
  b(A, 0x62),
  b(A, 0x62, 0x00),
  b(A, 0x62, 0x63),
  b(A, 0x63),
  b(A, 0xff),
  b(A, 0xff, 0xff),
  b(0x62),
  b(0x62, 0x00),
  b(0xff),
];

/** prefix together with the other bounds, where either may be the tighter one. */
export const COMBINED_RANGES: Range[] = [
  { prefix: b(A), lte: b(A, 0x62) },
  { prefix: b(A), lt: b(A, 0x62) },
  { prefix: b(A), gt: b(A, 0x62) },
  { prefix: b(A), gte: b(A, 0x62) },
  { prefix: b(A), gt: b(A) },
  { prefix: b(A), lte: b(A) },
  { prefix: b(A), lt: b(A) },
  { prefix: b(A), lte: b(0x62, 0x00) },
  { prefix: b(A), gt: b(0x60), lt: b(0xff) },
  { prefix: b(A), gt: b(A, 0x63), lte: b(A, 0xff) },
  { prefix: b(A, 0xff), lte: b(A, 0xff, 0xff) },
  { prefix: b(A, 0x62), gt: b(A), lt: b(0x62) },
  { prefix: b(A), gt: b(0x62) },
  { gt: b(A, 0x00), lt: b(A, 0xff) },
  { gte: b(A, 0x01), lte: b(0x62) },
];
const MODIFIERS: Range[] = [{}, { reverse: true }, { limit: 2 }, { reverse: true, limit: 2 }];

/** The same bytes as a plain Uint8Array, a Buffer, and a view at an offset into a larger buffer. */
const SHAPES: [label: string, shape: (bytes: Uint8Array) => Uint8Array][] = [
  ['Uint8Array', (bytes) => bytes],
  ['Buffer', (bytes) => Buffer.from(bytes)],
  [
    'offset view',
    (bytes) => {
      const backing = new Uint8Array(bytes.length + 5).fill(0xee);
      backing.set(bytes, 3);
      return backing.subarray(3, 3 + bytes.length);
    },
  ],
];

function reshape(range: Range, shape: (bytes: Uint8Array) => Uint8Array): Range {
  const out: Range = { ...range };
  for (const bound of ['gt', 'gte', 'lt', 'lte', 'prefix'] as const) if (range[bound]) out[bound] = shape(range[bound]!);
  return out;
}

const show = (range: Range) =>
  JSON.stringify(range, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v));

async function fill(ctx: CaseContext, keys: readonly Uint8Array[] = KEYS): Promise<Entry[]> {
  const data: Entry[] = keys.map((k) => [k, valueFor(k)]);
  await ctx.engine.write(data.map(([k, v]) => ctx.put(k, v)));
  return data;
}

const rangeReadCases: Case[] = RANGE_READ_PATHS.map((path) => ({
  group,
  name: `${path.name}: prefix with gt/gte/lt/lte, reverse and limit, bounds as Buffers and offset views`,
  skip: path.skip,
  async run(ctx) {
    const data = await fill(ctx);
    for (const combined of COMBINED_RANGES) {
      for (const modifier of MODIFIERS) {
        const range = { ...combined, ...modifier };
        const expected = hexEntries(expectedRange(data, range));
        for (const [label, shape] of SHAPES) {
          expect(hexEntries(await path.read(ctx, reshape(range, shape))), `${path.name} ${show(range)} as ${label}`).toEqual(expected);
        }
      }
    }
  },
}));

const rangeDeleteCases: Case[] = RANGE_DELETE_PATHS.map((path) => ({
  group,
  name: `${path.name}: prefix with gt/gte/lt/lte deletes exactly its keys, bounds as Buffers and offset views, ignoring reverse and limit`,
  async run(ctx) {
    for (const combined of COMBINED_RANGES) {
      for (const [label, shape] of SHAPES.slice(1)) {
        const data = await fill(ctx);
        await path.clear(ctx, reshape({ ...combined, reverse: true, limit: 1 }, shape));
        const left = hexEntries(data.filter(([k]) => !matchesRange(k, combined)));
        expect(hexEntries(await readAll(ctx.ks)), `${path.name} ${show(combined)} as ${label}`).toEqual(left);
        await ctx.ks.clear();
      }
    }
  },
}));

const pointReadCases: Case[] = POINT_READ_PATHS.map((path) => ({
  group,
  name: `${path.name}: keys as Buffers and offset views, duplicates, missing keys and the empty key`,
  skip: path.skip,
  async run(ctx) {
    const data = await fill(ctx);
    const asked = [...KEYS, b(A, 0x02), b(0x62, 0x00, 0x00), b(A), b()];
    const expected = asked.map((k) => hex(data.find(([key]) => hex(key) === hex(k))?.[1]));
    for (const [label, shape] of SHAPES) {
      const values = await path.read(ctx, asked.map(shape));
      for (const value of values) if (value !== undefined) expect(value, `${path.name} returns Uint8Arrays`).toBeInstanceOf(Uint8Array);
      expect(values.map(hex), `${path.name} with keys as ${label}`).toEqual(expected);
    }
  },
}));

/** Mutates every byte of what a read returned, then reads again: the store must not change. */
function scribble(entries: readonly (Uint8Array | undefined)[]): void {
  for (const bytes of entries) bytes?.fill(0x21);
}

/** KEYS plus one value of 70000 bytes: engines often keep large values apart from small ones. */
async function fillWithLargeValue(ctx: CaseContext): Promise<Entry[]> {
  const data = await fill(ctx);
  const large: Entry = [Uint8Array.of(0x62, 0x01), new Uint8Array(70_000).fill(0x4c)];
  await ctx.ks.put(large[0], large[1]);
  return [...data, large];
}

const rangeAliasingCases: Case[] = RANGE_READ_PATHS.map((path) => ({
  group,
  name: `${path.name}: changing the returned keys and values changes nothing stored`,
  skip: path.skip,
  async run(ctx) {
    const data = await fillWithLargeValue(ctx);
    const first = await path.read(ctx);
    scribble(first.flatMap(([k, v]) => [k, v]));
    expect(hexEntries(await path.read(ctx)), `${path.name} read again`).toEqual(hexEntries(expectedRange(data)));
    expect((await ctx.ks.getMany(data.map(([k]) => k))).map(hex)).toEqual(data.map(([, v]) => hex(v)));
  },
}));

const pointAliasingCases: Case[] = POINT_READ_PATHS.map((path) => ({
  group,
  name: `${path.name}: changing the returned values changes nothing stored`,
  skip: path.skip,
  async run(ctx) {
    const data = await fillWithLargeValue(ctx);
    // twice the same key: a shared cached buffer shows up as the second answer changing too
    const keys = [...data.map(([k]) => k), KEYS[2]!];
    scribble(await path.read(ctx, keys));
    expect((await path.read(ctx, keys)).map(hex), `${path.name} read again`).toEqual([...data, data[2]!].map(([, v]) => hex(v)));
    expect(hexEntries(await readAll(ctx.ks))).toEqual(hexEntries(expectedRange(data)));
  },
}));

/** getMany of each key twice in a row: an answer reused for the repeat is one array in two places. */
const repeatedKeyAliasingCase: Case = {
  group,
  name: 'getMany: a key asked for twice in a row gets two arrays that change independently, live and in a snapshot',
  async run(ctx) {
    const data = await fillWithLargeValue(ctx);
    const keys = data.flatMap(([k]) => [k, k]);
    const snapshot = ctx.caps.snapshots ? ctx.engine.snapshot!() : undefined;
    try {
      for (const [what, reader] of [['live', ctx.ks], ...(snapshot ? [['snapshot', snapshot.keyspace(ctx.pass.keyspace)] as const] : [])] as const) {
        const values = await reader.getMany(keys);
        for (let i = 0; i < values.length; i += 2) scribble([values[i]]);
        const repeats = values.filter((_, i) => i % 2 === 1);
        expect(repeats.map(hex), `${what}: the second answer for each key after changing the first`).toEqual(data.map(([, v]) => hex(v)));
      }
    } finally {
      await snapshot?.close();
    }
    expect((await ctx.ks.getMany(data.map(([k]) => k))).map(hex)).toEqual(data.map(([, v]) => hex(v)));
  },
};

/** Deletes keys 1-4 through each delete path in turn; key 5 stays. */
const DELETED_KEYS = [b(1), b(2), b(3), b(3, 1), b(4)];
const KEPT = b(5);

async function deleteThroughEveryPath(ctx: CaseContext): Promise<void> {
  await DELETE_PATHS[0]!.del(ctx, [b(1)]);
  await DELETE_PATHS[1]!.del(ctx, [b(2)]);
  await RANGE_DELETE_PATHS[0]!.clear(ctx, { prefix: b(3) });
  await RANGE_DELETE_PATHS[1]!.clear(ctx, { gte: b(4), lte: b(4) });
}

const readDeleteReadCases: Case[] = [
  ...POINT_READ_PATHS.map((path): Case => ({
    group,
    name: `${path.name}: a key read, then deleted by del, write(), clear or delRange, reads as missing`,
    skip: path.skip,
    async run(ctx) {
      const keys = [...DELETED_KEYS, KEPT];
      await fill(ctx, keys);
      await path.read(ctx, keys); // warms whatever the adapter caches
      await deleteThroughEveryPath(ctx);
      const expected = keys.map((k) => (k === KEPT ? hex(valueFor(k)) : undefined));
      expect((await path.read(ctx, keys)).map(hex), `${path.name} after the deletes`).toEqual(expected);
    },
  })),
  ...RANGE_READ_PATHS.map((path): Case => ({
    group,
    name: `${path.name}: entries read, then deleted by del, write(), clear or delRange, are gone`,
    skip: path.skip,
    async run(ctx) {
      await fill(ctx, [...DELETED_KEYS, KEPT]);
      await path.read(ctx);
      await deleteThroughEveryPath(ctx);
      expect(hexEntries(await path.read(ctx)), `${path.name} after the deletes`).toEqual([[hex(KEPT), hex(valueFor(KEPT))]]);
    },
  })),
];

/**
 * One key read alone, then deleted alone by a range delete that takes most of the keyspace
 * or all of it, reads as missing when read alone again: an adapter that remembers its last
 * point read must forget it on every kind of delete (a whole clear or a large range delete
 * may rebuild a tree instead of deleting key by key).
 */
const LONE_KEY_DELETES: [name: string, remove: (ctx: CaseContext, key: Uint8Array) => Promise<void>][] = [
  ['clear() of everything', (ctx) => ctx.ks.clear()],
  ['write() delRange of everything', (ctx) => ctx.engine.write([ctx.delRange({})])],
  ['clear of all but the last key', (ctx) => ctx.ks.clear({ lt: KEYS[KEYS.length - 1]! })],
  ['write() delRange of all but the first key', (ctx) => ctx.engine.write([ctx.delRange({ gt: KEYS[0]! })])],
  ['clear of exactly the key', (ctx, key) => ctx.ks.clear({ gte: key, lte: key })],
];

const loneReadDeleteReadCases: Case[] = POINT_READ_PATHS.map((path) => ({
  group,
  name: `${path.name}: a key read alone, then deleted by a clear or delRange of all or most keys, reads as missing`,
  skip: path.skip,
  async run(ctx) {
    const key = KEYS[5]!;
    for (const [name, remove] of LONE_KEY_DELETES) {
      await fill(ctx);
      expect((await path.read(ctx, [key])).map(hex), `${path.name} before the ${name}`).toEqual([hex(valueFor(key))]);
      await remove(ctx, key);
      expect((await path.read(ctx, [key])).map(hex), `${path.name} after the ${name}`).toEqual([undefined]);
    }
  },
}));

const putCopyCases: Case[] = PUT_PATHS.flatMap((path) =>
  [false, true].map((sync) => ({
    group,
    name: `${path.name}${sync ? ' with sync: true' : ''} stores a copy: changing the caller's keys and values afterwards changes nothing`,
    async run(ctx: CaseContext) {
      const entries: Entry[] = [
        [Buffer.from('key-1'), Buffer.from('value-1')],
        [Uint8Array.from([9, 9, 0x6b, 0x32, 9]).subarray(2, 4), Uint8Array.from([9, 0x76, 0x32, 9]).subarray(1, 3)],
        // engines often keep large values apart from small ones, and copy them differently
        [Buffer.from('key-3'), new Uint8Array(70_000).fill(0x4c)],
      ];
      const expected = hexEntries(expectedRange(entries.map(([k, v]): Entry => [k.slice(), v.slice()])));
      await path.put(ctx, entries, sync);
      scribble(entries.flatMap(([k, v]) => [k, v]));
      expect(hexEntries(await readAll(ctx.ks)), `${path.name} after the caller changed its buffers`).toEqual(expected);
    },
  })),
);

const noReopen: Case['skip'] = (_caps, options) => (options.reopen ? false : 'the engine is not reopened (reopen is false)');

/** Each delete path as the only write since the last reopen: the delete must survive the next one. */
const deleteReopenCases: Case[] = [
  ...DELETE_PATHS.map((path) => ({ name: path.name, remove: (ctx: CaseContext) => path.del(ctx, [b(2), b(3)]) })),
  ...RANGE_DELETE_PATHS.map((path) => ({ name: path.name, remove: (ctx: CaseContext) => path.clear(ctx, { gte: b(2), lte: b(3) }) })),
].map(({ name, remove }): Case => ({
  group,
  name: `${name} as the only write before close: the deletes survive reopen`,
  skip: noReopen,
  async run(ctx) {
    await fill(ctx, [b(1), b(2), b(3), b(4)]);
    await ctx.reopen();
    await remove(ctx);
    await ctx.reopen();
    expect(hexEntries(await readAll(ctx.ks)), `after ${name} and reopen`).toEqual(hexEntries([b(1), b(4)].map((k): Entry => [k, valueFor(k)])));
  },
}));

export const siblingCases: Case[] = [
  ...deleteReopenCases,
  ...rangeReadCases,
  ...rangeDeleteCases,
  ...pointReadCases,
  ...rangeAliasingCases,
  ...pointAliasingCases,
  repeatedKeyAliasingCase,
  ...readDeleteReadCases,
  ...loneReadDeleteReadCases,
  ...putCopyCases,
];
