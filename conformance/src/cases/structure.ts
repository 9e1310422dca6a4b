/**
 * Structural change under open views. Tree engines share pages between the live store,
 * snapshots and iterators (copy on write) and reshape them as keys come and go: leaves and
 * branches split, borrow and merge, large range deletes rebuild, leaves compact, values kept
 * out of line move with their entries. Each case here drives the store through that while
 * snapshots and iterators stay open, and checks every read path of the live store and of
 * each snapshot, and every open iterator chunk by chunk, against the history model.
 */
import type { Entry, Range } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import type { ViewCheck } from '../support/expect-view.js';
import { HistoryModel } from '../support/history-model.js';
import {
  betweenKey,
  deleteEach,
  deleteRange,
  expectAllViews,
  hold,
  putEach,
  structuralKey,
  structuralValue,
  type HeldSnapshot,
} from '../support/structural.js';
import { TrackedIterator } from '../support/tracked-iterator.js';

export const STRUCTURE_GROUP = 'structure under open views';
const group = STRUCTURE_GROUP;

const indexes = (count: number, map: (n: number) => number): number[] => Array.from({ length: count }, (_, n) => map(n));

/** Point-read keys for a check: every key ever written or probed, present or not, and a key between each pair. */
function checkOf(numbers: readonly number[], range: Range, chunk: number, getCount = 120): ViewCheck {
  return { keys: numbers.flatMap((i) => (i % 5 === 0 ? [structuralKey(i), betweenKey(i)] : [structuralKey(i)])), range, chunk, getCount };
}

async function closeAll(held: readonly (HeldSnapshot | undefined)[], iterators: readonly TrackedIterator[]): Promise<void> {
  for (const it of iterators) await it.iterator.close();
  for (const h of held) await h?.snapshot.close();
}

/** Opens a tracked iterator on the live keyspace, or on a held snapshot when one is given. */
function track(ctx: CaseContext, model: HistoryModel, range: Range, on?: HeldSnapshot): TrackedIterator {
  if (on === undefined) return new TrackedIterator(ctx.ks.iterate(range), range, { live: model }, 'a live iterator');
  return new TrackedIterator(on.snapshot.keyspace(ctx.pass.keyspace).iterate(range), range, { frozen: on.state }, `an iterator of ${on.label}`);
}

const SPACING = 10;
const OLD = 300;

/** Keys 0, 10, 20... (300 of them), then the inserts fill every gap (3000 keys: memory's tree is three levels deep), offsets in the order leaves split unevenly. */
const INSERT_OFFSETS = [5, 2, 7, 1, 3, 6, 8, 4, 9];

async function splitsAndMerges(ctx: CaseContext): Promise<void> {
  const model = new HistoryModel();
  const everyKey = indexes(OLD * SPACING, (n) => n);
  const small = (i: number, stamp: number) => structuralValue(i, stamp, 3 + (i % 13));
  const entries = (numbers: readonly number[], stamp: number): Entry[] => numbers.map((i) => [structuralKey(i), small(i, stamp)]);
  const old = indexes(OLD, (n) => n * SPACING);
  await putEach(ctx, model, entries(old, 0), 'write');

  const s1 = hold(ctx, model, 'a snapshot of the first 300 keys');
  const mid: Range = { gte: structuralKey(50 * SPACING), lt: structuralKey(250 * SPACING) };
  const iterators = [
    track(ctx, model, {}),
    track(ctx, model, { ...mid, reverse: true }),
    ...(s1 ? [track(ctx, model, { reverse: true }, s1), track(ctx, model, { ...mid, limit: 150 }, s1)] : []),
  ];
  const held = [s1];
  try {
    for (const it of iterators) await it.advance(50);

    // fill every gap: each round splits leaves (and, past a few thousand keys, branches) the views share
    for (const [round, offset] of INSERT_OFFSETS.entries()) {
      const added = entries(old.map((i) => i + offset), round + 1);
      // one round partly through single puts (each a commit in some engines, so not all of them)
      if (round === 0) await putEach(ctx, model, added.slice(0, 20), 'put');
      await putEach(ctx, model, round === 0 ? added.slice(20) : added, 'write');
      if (round % 3 === 2) for (const it of iterators) if (!it.done) await it.advance(97);
    }
    await expectAllViews(ctx, model, held, checkOf(everyKey, { gt: structuralKey(777), lte: structuralKey(3333), reverse: true, limit: 1000 }, 61), 'after 2700 inserts between the first 300 keys');

    const s2 = hold(ctx, model, 'a snapshot of all 3000 keys');
    held.push(s2);
    iterators.push(track(ctx, model, { gte: structuralKey(1000) }));
    if (s2) iterators.push(track(ctx, model, { lt: structuralKey(4000), reverse: true }, s2));
    for (const it of iterators) if (!it.done) await it.advance(100);

    // a third of the keys in one range delete (engines rebuild for large ones), a few in a small one
    await deleteRange(ctx, model, { gte: structuralKey(100 * SPACING), lt: structuralKey(200 * SPACING) }, 'clear');
    await deleteRange(ctx, model, { gt: structuralKey(10 * SPACING), lt: structuralKey(12 * SPACING) }, 'delRange');
    for (const it of iterators) if (!it.done) await it.advance(64);
    await expectAllViews(ctx, model, held, checkOf(everyKey, { gte: structuralKey(1500), lt: structuralKey(3500) }, 256), 'after range deletes');

    // then every odd offset one key at a time: leaves underflow, borrow and merge, branches merge
    const odd = everyKey.filter((i) => i % 2 === 1 && model.get(structuralKey(i)) !== undefined);
    for (let from = 0; from < odd.length; from += 500) {
      await deleteEach(ctx, model, odd.slice(from, from + 500).map(structuralKey));
      for (const it of iterators) if (!it.done) await it.advance(33);
    }
    await expectAllViews(ctx, model, held, checkOf(everyKey, { gt: betweenKey(40), lt: betweenKey(4500), reverse: true }, 7), 'after deleting one key at a time');
    for (const it of iterators) await it.drain(500);

    // grow again over the merged pages, with new views
    const s3 = hold(ctx, model, 'a snapshot after the merges');
    held.push(s3);
    const again = [track(ctx, model, { reverse: true }), ...(s3 ? [track(ctx, model, {}, s3)] : [])];
    iterators.push(...again);
    for (const it of again) await it.advance(200);
    await putEach(ctx, model, entries(everyKey.filter((i) => i % 4 === 1), 99), 'write');
    for (const it of again) await it.drain(300);
    await expectAllViews(ctx, model, held, checkOf(everyKey, { prefix: Uint8Array.of(0x74, 0x05) }, 5), 'after inserts over the merged pages');
  } finally {
    await closeAll(held, iterators);
  }
  if (ctx.options.reopen) {
    await ctx.reopen();
    await expectAllViews(ctx, model, [], checkOf(everyKey, { gte: structuralKey(2000), reverse: true, limit: 300 }, 100, 60), 'after reopen');
  }
}

/** Sizes on both sides of where engines keep values out of line (memory: over 1 KiB), one per key in turn. */
const VALUE_SIZES = [0, 7, 1023, 1024, 1025, 2000, 4097, 20_000];
const BIG = 400;

async function outOfLineValues(ctx: CaseContext): Promise<void> {
  const model = new HistoryModel();
  const numbers = indexes(BIG, (n) => n * 4);
  const everyKey = indexes(BIG * 4, (n) => n);
  const sizeOf = (i: number) => VALUE_SIZES[(i >> 2) % VALUE_SIZES.length]!;
  const withSize = (list: readonly number[], stamp: number, size: (i: number) => number): Entry[] =>
    list.map((i) => [structuralKey(i), structuralValue(i, stamp, size(i))]);
  for (let from = 0; from < BIG; from += 100) await putEach(ctx, model, withSize(numbers.slice(from, from + 100), 0, sizeOf), 'write');
  const check = (range: Range, chunk: number) => checkOf(everyKey, range, chunk, 100);

  const s1 = hold(ctx, model, 'a snapshot of the first values');
  const held = [s1];
  const iterators = s1 ? [track(ctx, model, {}, s1)] : [];
  try {
    for (const it of iterators) await it.advance(9);
    // new bytes of the same size for every key, twice: in place is only safe for what no view shares
    for (const stamp of [1, 2]) {
      const rewritten = withSize(numbers, stamp, sizeOf);
      await putEach(ctx, model, rewritten.filter((_, n) => n % 16 === stamp), 'put');
      await putEach(ctx, model, rewritten.filter((_, n) => n % 16 !== stamp), 'write');
      for (const it of iterators) await it.advance(13);
    }
    await expectAllViews(ctx, model, held, check({ gte: structuralKey(400), lt: structuralKey(1200), reverse: true }, 11), 'after two same-size overwrites of every value');

    // small values rewritten again and again at other sizes: garbage piles up in leaves holding large values, which then compact
    const s2 = hold(ctx, model, 'a snapshot before the small rewrites');
    held.push(s2);
    if (s2) iterators.push(track(ctx, model, { reverse: true }, s2));
    const inline = numbers.filter((i) => sizeOf(i) <= 1024);
    for (let stamp = 3; stamp < 9; stamp++) {
      await putEach(ctx, model, withSize(inline, stamp, (i) => (sizeOf(i) + stamp * 37) % 1000), 'write');
      for (const it of iterators) if (!it.done) await it.advance(17);
    }
    await putEach(ctx, model, withSize(inline, 9, sizeOf), 'write');
    await expectAllViews(ctx, model, held, check({ gt: structuralKey(3), lte: structuralKey(1501) }, 64), 'after rewriting the small values six times');

    // across the boundary both ways, and large to empty and back
    const s3 = hold(ctx, model, 'a snapshot before the resizes');
    held.push(s3);
    const across = [1025, 1025, 1024, 0, 20_000, 1023, 7, 1025];
    await putEach(ctx, model, withSize(numbers, 10, (i) => across[(i >> 2) % across.length]!), 'write');
    const flipped = withSize(numbers.filter((i) => i % 12 === 0), 11, (i) => (sizeOf(i) > 1024 ? 0 : 1025));
    await putEach(ctx, model, flipped.slice(0, 16), 'put');
    await putEach(ctx, model, flipped.slice(16), 'write');
    await expectAllViews(ctx, model, held, check({ prefix: Uint8Array.of(0x74, 0x02) }, 3), 'after resizing across 1 KiB');

    // large values between the keys split the leaves holding them; then three in four keys go one at a time, merging them
    if (s3) iterators.push(track(ctx, model, { gte: structuralKey(200) }, s3), track(ctx, model, { lt: structuralKey(1400) }));
    for (const it of iterators) if (!it.done) await it.advance(40);
    await putEach(ctx, model, withSize(indexes(BIG, (n) => n * 4 + 2), 12, (i) => (i % 3 === 0 ? 20_000 : 1025)), 'write');
    for (const it of iterators) if (!it.done) await it.advance(40);
    await expectAllViews(ctx, model, held, check({ gte: structuralKey(0), lt: structuralKey(900), reverse: true, limit: 77 }, 10), 'after inserting large values between');
    await deleteEach(ctx, model, everyKey.filter((i) => i % 8 !== 0 && model.get(structuralKey(i)) !== undefined).map(structuralKey));
    for (const it of iterators) await it.drain(50);
    await expectAllViews(ctx, model, held, check({ gt: betweenKey(100) }, 5), 'after deleting three in four one at a time');
  } finally {
    await closeAll(held, iterators);
  }
  if (ctx.options.reopen) {
    await ctx.reopen();
    await expectAllViews(ctx, model, [], check({ lte: structuralKey(1000), reverse: true }, 20), 'after reopen');
  }
}

export const structureCases: Case[] = [
  {
    group,
    name: 'snapshots and iterators held while 2700 inserts split leaves and branches, range deletes rebuild and single deletes merge them: every read path and every open iterator matches',
    timeout: 120_000,
    run: splitsAndMerges,
  },
  {
    group,
    name: 'values on both sides of 1 KiB through repeated same-size overwrites, small rewrites that compact leaves, resizes, splits and merges, with snapshots and iterators open: every read path matches',
    timeout: 120_000,
    run: outOfLineValues,
  },
];
