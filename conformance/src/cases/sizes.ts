/**
 * Sizes across the boundaries real implementations chunk at: key counts around 256, 1024,
 * 4096 and 65536 (read chunks, page fills, batch splits), keys with long shared prefixes
 * around 256 and 1024 bytes, and values around 64 KiB and over 1 MiB. Every read path sees
 * them, on live reads and after reopen.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Capabilities, Entry, ReadableKeyspace } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { hex, patterned, sameBytes, valueFor } from '../support/bytes.js';
import { POINT_READ_PATHS, PUT_PATHS, RANGE_DELETE_PATHS, RANGE_READ_PATHS, type PointReadPath, type RangeReadPath } from '../support/paths.js';
import { readAll } from '../support/read.js';
import { shuffledIndexes } from '../support/seed.js';

const group = 'sizes across boundaries';

/** Key i: 'n' and i as 4 bytes big-endian, so byte order is numeric order. */
function countKey(i: number): Uint8Array {
  const key = new Uint8Array(5);
  key[0] = 0x6e;
  new DataView(key.buffer).setUint32(1, i);
  return key;
}

function countValue(i: number): Uint8Array {
  return Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, 0x76);
}

/** One string per entry list, cheap to compare for thousands of entries. */
function digest(entries: readonly Entry[]): string {
  let out = '';
  for (const [k, v] of entries) out += `${hex(k)}=${hex(v)};`;
  return out;
}

/**
 * Checks `entries` are exactly keys from..to-1 (reversed if asked) with their values, naming
 * the first entry that differs; cheaper than building strings for 65537 entries.
 */
function expectCounted(entries: readonly (Entry | undefined)[], from: number, to: number, reverse: boolean, what: string): void {
  expect(entries.length, `${what}: entry count`).toBe(to - from);
  for (let n = 0; n < entries.length; n++) {
    const i = reverse ? to - 1 - n : from + n;
    const entry = entries[n];
    if (entry === undefined || !isCountEntry(entry[0], entry[1], i)) {
      expect(entry && [hex(entry[0]), hex(entry[1])], `${what}: entry ${n}`).toEqual([hex(countKey(i)), hex(countValue(i))]);
    }
  }
}

/** Whether (key, value) is exactly (countKey(i), countValue(i)), without allocating: it runs for every one of 65537 entries. */
function isCountEntry(key: Uint8Array, value: Uint8Array, i: number): boolean {
  return (
    key.length === 5 &&
    key[0] === 0x6e &&
    key[1] === i >>> 24 &&
    key[2] === ((i >>> 16) & 0xff) &&
    key[3] === ((i >>> 8) & 0xff) &&
    key[4] === (i & 0xff) &&
    value.length === 3 &&
    value[0] === (i & 0xff) &&
    value[1] === ((i >>> 8) & 0xff) &&
    value[2] === 0x76
  );
}

const runnable = <T extends { skip?: Case['skip'] }>(ctx: CaseContext, paths: readonly T[]): T[] =>
  paths.filter((path) => !path.skip?.(ctx.caps, ctx.options));

async function writeCount(ctx: CaseContext, count: number): Promise<void> {
  const ops = [];
  for (let i = 0; i < count; i++) ops.push(ctx.put(countKey(i), countValue(i)));
  await ctx.engine.write(ops);
}

/** Every range read path, whole and (unless told not to) reversed with a limit one short; getMany of every key. */
async function checkCount(ctx: CaseContext, count: number, paths: readonly RangeReadPath[], when: string, reverse = true): Promise<void> {
  for (const path of paths) expectCounted(await path.read(ctx), 0, count, false, `${path.name} over ${count} keys ${when}`);
  if (reverse) {
    const reversed = await RANGE_READ_PATHS[0]!.read(ctx, { reverse: true, limit: count - 1 });
    expectCounted(reversed, 1, count, true, `reverse, limit ${count - 1}, over ${count} keys ${when}`);
  }
  const keys = Array.from({ length: count }, (_, i) => countKey(i));
  const values = await ctx.ks.getMany(keys);
  expectCounted(values.map((v, i) => (v === undefined ? undefined : ([keys[i]!, v] as Entry))), 0, count, false, `getMany of ${count} keys ${when}`);
}

function countCase(counts: number[], label: string, paths: 'all' | 'first'): Case {
  return {
    group,
    name: `${counts.join(', ')} keys (around ${label}): every read path, getMany, reverse with limit, clear and delRange, and reopen`,
    timeout: 120_000,
    async run(ctx) {
      for (const count of counts) {
        await ctx.ks.clear();
        await writeCount(ctx, count);
        const readers = paths === 'all' ? runnable(ctx, RANGE_READ_PATHS) : [RANGE_READ_PATHS[0]!];
        await checkCount(ctx, count, readers, 'live');
        if (ctx.options.reopen) {
          await ctx.reopen();
          await checkCount(ctx, count, [RANGE_READ_PATHS[0]!, ...runnable(ctx, RANGE_READ_PATHS.slice(4, 5))], 'after reopen');
        }
        // clear all but the last key, then delRange all but the first of a fresh fill
        await RANGE_DELETE_PATHS[0]!.clear(ctx, { lt: countKey(count - 1) });
        expectCounted(await readAll(ctx.ks), count - 1, count, false, `clear of ${count - 1} of ${count} keys`);
        await writeCount(ctx, count);
        await RANGE_DELETE_PATHS[1]!.clear(ctx, { gt: countKey(0) });
        expectCounted(await readAll(ctx.ks), 0, 1, false, `delRange of ${count - 1} of ${count} keys`);
      }
    },
  };
}

const longKeysFit = (caps: Capabilities) => (caps.maxKeySize >= 257 ? false : `maxKeySize ${caps.maxKeySize} is below 257 bytes`);

/** Keys of `length` bytes sharing everything but their last byte. */
function longKey(length: number, last: number): Uint8Array {
  const key = new Uint8Array(length).fill(0x70);
  key[length - 1] = last;
  return key;
}

function keyLengths(caps: Capabilities): number[] {
  const lengths = [255, 256, 257, 1023, 1024, 1025, 4095, 4096, 4097, caps.maxKeySize - 1, caps.maxKeySize];
  return [...new Set(lengths.filter((n) => n >= 1 && n <= caps.maxKeySize && n <= 65536))].sort((a, b) => a - b);
}

async function checkPoints(ctx: CaseContext, paths: readonly PointReadPath[], entries: readonly Entry[], when: string): Promise<void> {
  const keys = entries.map(([k]) => k);
  for (const path of paths) {
    expect((await path.read(ctx, keys)).map(hex), `${path.name} ${when}`).toEqual(entries.map(([, v]) => hex(v)));
  }
}

async function checkRanges(ctx: CaseContext, paths: readonly RangeReadPath[], entries: readonly Entry[], when: string): Promise<void> {
  for (const path of paths) expect(digest(await path.read(ctx)), `${path.name} ${when}`).toBe(digest(entries));
}

const MiB = 1024 * 1024;

/**
 * Runs of 7 keys, each the one before plus a 0x00 byte: ['e', run (2 bytes)], then with 1..6
 * zero bytes appended. Most chunk edges (256, 1024, 97, 64...) then fall between a key and a
 * key that extends it, where resuming "after" the last key by its prefix skips keys.
 */
function extendingKeys(runs: number): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let run = 0; run < runs; run++) {
    for (let zeros = 0; zeros < 7; zeros++) keys.push(Uint8Array.of(0x65, run >> 8, run & 0xff, ...new Array<number>(zeros).fill(0)));
  }
  return keys;
}

/**
 * Deletes `doomed` in chunks of 10, the chunks taking turns: one del per key, two write() of
 * 10 dels, one clear of exactly each key, two write() again. Engines rebalance pages as keys
 * go one at a time, whichever path deleted them; the single calls are a third, as each is a
 * commit (and a sync) in engines that commit every write.
 */
async function deleteOneByOne(ctx: CaseContext, doomed: readonly number[]): Promise<void> {
  for (let from = 0, turn = 0; from < doomed.length; from += 10, turn++) {
    const keys = doomed.slice(from, from + 10).map(countKey);
    if (turn % 3 !== 0) await ctx.engine.write(keys.map((key) => ctx.del(key)));
    else for (const key of keys) await (turn % 6 === 0 ? ctx.ks.del(key) : ctx.ks.clear({ gte: key, lte: key }));
  }
}

/** Value sizes on both sides of where engines move values out of line or across pages. */
const CHURN_SIZES = [0, 1, 1023, 1024, 1025, 4097, 16_385];

function churnValue(i: number, version: number): Uint8Array {
  return patterned(CHURN_SIZES[(i + version) % CHURN_SIZES.length]!, i * 7919 + version);
}

/** A short description that differs whenever the bytes do (length, first bytes, digest of all). */
const brief = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : `${value.length} bytes ${hex(value.subarray(0, 8))}... sha1 ${createHash('sha1').update(value).digest('hex').slice(0, 12)}`;

/** `view` holds exactly `state` (value of keys[i], or undefined) through getMany and iterate. */
async function expectView(view: ReadableKeyspace, keys: readonly Uint8Array[], state: readonly (Uint8Array | undefined)[], what: string): Promise<void> {
  const values = await view.getMany(keys);
  keys.forEach((_, i) => sameBytes(values[i], state[i]) || expect(brief(values[i]), `${what}: getMany, key ${i}`).toBe(brief(state[i])));
  const present = keys.flatMap((key, i): Entry[] => (state[i] === undefined ? [] : [[key, state[i]!]]));
  const entries = await view.iterate().all();
  expect(entries.length, `${what}: iterate, entry count`).toBe(present.length);
  present.forEach(([key, value], n) => {
    const [k, v] = entries[n]!;
    if (!sameBytes(k, key) || !sameBytes(v, value)) expect([hex(k), brief(v)], `${what}: iterate, entry ${n}`).toEqual([hex(key), brief(value)]);
  });
}

/** The live keyspace holds exactly `state` through every point read path and iterate. */
async function expectLive(ctx: CaseContext, keys: readonly Uint8Array[], state: readonly (Uint8Array | undefined)[], what: string): Promise<void> {
  await expectView(ctx.ks, keys, state, what);
  for (const path of runnable(ctx, POINT_READ_PATHS)) {
    const values = await path.read(ctx, keys);
    keys.forEach((_, i) => sameBytes(values[i], state[i]) || expect(brief(values[i]), `${what}: ${path.name}, key ${i}`).toBe(brief(state[i])));
  }
}

/** Of keys countKey(0..count-1), exactly every `nth` (countValue(i) each) is found by every point read path and by iterate. */
async function expectEveryNthKept(ctx: CaseContext, count: number, nth: number): Promise<void> {
  const keys = Array.from({ length: count }, (_, i) => countKey(i));
  const expected = keys.map((_, i) => (i % nth === 0 ? hex(countValue(i)) : undefined));
  for (const path of runnable(ctx, POINT_READ_PATHS)) expect((await path.read(ctx, keys)).map(hex), path.name).toEqual(expected);
  const kept = keys.flatMap((key, i): Entry[] => (i % nth === 0 ? [[key, countValue(i)]] : []));
  expect(digest(await readAll(ctx.ks)), 'iterate').toBe(digest(kept));
}

export const sizeCases: Case[] = [
  {
    group,
    name: '300 values of 0 B to 16 KiB through same-size and resized overwrites, a snapshot, deletes one at a time and a range delete leaving a short tail, and reopen',
    timeout: 120_000,
    async run(ctx) {
      const count = 300;
      const keys = Array.from({ length: count }, (_, i) => countKey(i));
      const state: (Uint8Array | undefined)[] = keys.map((_, i) => churnValue(i, 0));
      for (let from = 0; from < count; from += 100) await ctx.engine.write(keys.slice(from, from + 100).map((key, j) => ctx.put(key, state[from + j]!)));
      await expectLive(ctx, keys, state, 'written');

      const snapshot = ctx.caps.snapshots ? ctx.engine.snapshot!() : undefined;
      const before = [...state];
      // every third value rewritten with new bytes of the same size through put, every fifth resized through write()
      for (let i = 0; i < count; i += 3) await ctx.ks.put(keys[i]!, (state[i] = patterned(state[i]!.length, i + 100_000)));
      const resized: Entry[] = [];
      for (let i = 1; i < count; i += 5) resized.push([keys[i]!, (state[i] = churnValue(i, 1))]);
      await ctx.engine.write(resized.map(([key, value]) => ctx.put(key, value)));
      await expectLive(ctx, keys, state, 'after overwrites');
      if (snapshot !== undefined) {
        try {
          await expectView(snapshot.keyspace(ctx.pass.keyspace), keys, before, 'a snapshot taken before the overwrites');
        } finally {
          await snapshot.close();
        }
      }

      const doomed = shuffledIndexes(count).filter((i) => i % 3 !== 0);
      await deleteOneByOne(ctx, doomed);
      for (const i of doomed) state[i] = undefined;
      await expectLive(ctx, keys, state, 'after deleting two in three one at a time');

      // most keys in one range delete: 20 stay before it and 50 after
      await ctx.engine.write(keys.map((key, i) => ctx.put(key, (state[i] = churnValue(i, 2)))));
      await RANGE_DELETE_PATHS[0]!.clear(ctx, { gte: keys[20]!, lt: keys[count - 50]! });
      for (let i = 20; i < count - 50; i++) state[i] = undefined;
      await expectLive(ctx, keys, state, 'after a range delete of all but 70');
      if (ctx.options.reopen) {
        await ctx.reopen();
        await expectLive(ctx, keys, state, 'after reopen');
      }
    },
  },
  {
    group,
    name: '600 keys, two in three deleted one at a time in shuffled order: every point read path finds exactly the rest',
    async run(ctx) {
      const count = 600;
      await writeCount(ctx, count);
      await deleteOneByOne(ctx, shuffledIndexes(count).filter((i) => i % 3 !== 0));
      await expectEveryNthKept(ctx, count, 3);
    },
  },
  {
    group,
    name: '5000 keys, three in four deleted one at a time from the upper half and then the lower half: every point read path finds exactly the rest',
    timeout: 60_000,
    async run(ctx) {
      // Past a few thousand keys a tree engine has branches over branches; emptying one half
      // first makes the branches there borrow children from their untouched neighbours.
      const count = 5000;
      await writeCount(ctx, count);
      const doomed = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => from + n).filter((i) => i % 4 !== 0);
      for (const half of [doomed(count / 2, count), doomed(0, count / 2)]) {
        for (let from = 0; from < half.length; from += 50) await ctx.engine.write(half.slice(from, from + 50).map((i) => ctx.del(countKey(i))));
      }
      await expectEveryNthKept(ctx, count, 4);
    },
  },
  {
    group,
    name: '1050 keys that each extend the key before them: every range read path, forward and reverse, whole and between bounds',
    async run(ctx) {
      const entries: Entry[] = extendingKeys(150).map((key) => [key, valueFor(key)]);
      await ctx.engine.write(entries.map(([key, value]) => ctx.put(key, value)));
      const [from, to] = [entries[300]![0], entries[900]![0]];
      const inside = entries.slice(300, 901);
      for (const path of runnable(ctx, RANGE_READ_PATHS)) {
        expect(digest(await path.read(ctx)), `${path.name}`).toBe(digest(entries));
        expect(digest(await path.read(ctx, { reverse: true })), `${path.name} reversed`).toBe(digest([...entries].reverse()));
        expect(digest(await path.read(ctx, { gte: from, lte: to })), `${path.name} gte, lte`).toBe(digest(inside));
        expect(digest(await path.read(ctx, { gte: from, lte: to, reverse: true })), `${path.name} gte, lte reversed`).toBe(digest([...inside].reverse()));
      }
    },
  },
  countCase([255, 256, 257], '256', 'all'),
  countCase([1023, 1024, 1025], '1024', 'all'),
  countCase([4095, 4096, 4097], '4096', 'first'),
  {
    group,
    name: '65537 keys in one batch: iterate, iterateSync, reverse with limit, getMany, delRange, and reopen',
    timeout: 180_000,
    async run(ctx) {
      const count = 65_537;
      await writeCount(ctx, count);
      const readers = [RANGE_READ_PATHS[0]!, ...runnable(ctx, RANGE_READ_PATHS.slice(4, 5))];
      await checkCount(ctx, count, readers, 'live');
      if (ctx.options.reopen) {
        await ctx.reopen();
        // reverse scans of a reopened store are checked at 4097 keys; here what matters is that all of it came back
        await checkCount(ctx, count, [RANGE_READ_PATHS[0]!], 'after reopen', false);
      }
      await RANGE_DELETE_PATHS[1]!.clear(ctx, { gt: countKey(0), lt: countKey(count - 1) });
      const left = await readAll(ctx.ks);
      expectCounted(left.slice(0, 1), 0, 1, false, 'delRange of all but the first and last of 65537 keys');
      expectCounted(left.slice(1), count - 1, count, false, 'delRange of all but the first and last of 65537 keys');
    },
  },
  {
    group,
    name: 'keys with long shared prefixes (255-257, 1023-1025, 4095-4097 bytes and maxKeySize) on every path, and reopen',
    skip: longKeysFit,
    timeout: 120_000,
    async run(ctx) {
      const entries: Entry[] = [];
      for (const length of keyLengths(ctx.caps)) {
        for (const last of [0x01, 0x02]) entries.push([longKey(length, last), Uint8Array.of(length & 0xff, length >>> 8, last)]);
      }
      entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
      await PUT_PATHS[0]!.put(ctx, entries.filter((_, i) => i % 2 === 0));
      await PUT_PATHS[1]!.put(ctx, entries.filter((_, i) => i % 2 === 1));
      await checkPoints(ctx, runnable(ctx, POINT_READ_PATHS), entries, 'live');
      await checkRanges(ctx, runnable(ctx, RANGE_READ_PATHS), entries, 'live');
      const prefix = new Uint8Array(254).fill(0x70);
      expect((await ctx.ks.iterate({ prefix, reverse: true, limit: 3 }).all()).map(([k]) => hex(k))).toEqual(
        entries.slice(-3).reverse().map(([k]) => hex(k)),
      );
      if (ctx.options.reopen) {
        await ctx.reopen();
        await checkPoints(ctx, [POINT_READ_PATHS[1]!], entries, 'after reopen');
        await checkRanges(ctx, [RANGE_READ_PATHS[0]!], entries, 'after reopen');
      }
    },
  },
  {
    group,
    name: 'values of 64 KiB - 1, 64 KiB, 64 KiB + 1 and 1 MiB + 1 bytes through put and write, on every path, and reopen',
    skip: (caps) => (caps.maxValueSize > MiB ? false : `maxValueSize ${caps.maxValueSize} is not above 1 MiB`),
    timeout: 120_000,
    async run(ctx) {
      const sizes = [65_535, 65_536, 65_537, MiB + 1];
      const entries: Entry[] = sizes.map((size, i) => [Uint8Array.of(0x76, i), patterned(size, size)]);
      await PUT_PATHS[0]!.put(ctx, entries.filter((_, i) => i % 2 === 0));
      await PUT_PATHS[1]!.put(ctx, entries.filter((_, i) => i % 2 === 1));
      await checkPoints(ctx, runnable(ctx, POINT_READ_PATHS), entries, 'live');
      await checkRanges(ctx, runnable(ctx, RANGE_READ_PATHS), entries, 'live');
      if (ctx.options.reopen) {
        await ctx.reopen();
        await checkPoints(ctx, [POINT_READ_PATHS[0]!, POINT_READ_PATHS[1]!], entries, 'after reopen');
        await checkRanges(ctx, [RANGE_READ_PATHS[0]!], entries, 'after reopen');
      }
    },
  },
];
