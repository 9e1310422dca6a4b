import { expect } from 'vitest';
import type { Capabilities, Snapshot } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { hex, hexEntries, hexKeys, utf8 } from '../support/bytes.js';
import { expectSyncTidekvError, expectTidekvError } from '../support/expect-error.js';
import { readAll } from '../support/read.js';
import { shuffledIndexes } from '../support/seed.js';

const group = 'snapshots';
const OTHER = 'conformance-other';
const needsSnapshots = (caps: Capabilities) => (caps.snapshots ? false : 'capabilities.snapshots is false');

function take(ctx: CaseContext): Snapshot {
  expect(ctx.engine.snapshot, 'capabilities.snapshots is true, so engine.snapshot must exist').toBeTypeOf('function');
  return ctx.engine.snapshot!();
}

async function seed(ctx: CaseContext): Promise<void> {
  await ctx.engine.write([
    ctx.put(utf8('a'), utf8('1')),
    ctx.put(utf8('b'), utf8('2')),
    ctx.put(utf8('c'), utf8('3')),
    ctx.put(utf8('d'), utf8('4')),
    { type: 'put', keyspace: OTHER, key: utf8('o'), value: utf8('other') },
  ]);
}

const SEEDED: [string, string][] = [
  [hex(utf8('a'))!, hex(utf8('1'))!],
  [hex(utf8('b'))!, hex(utf8('2'))!],
  [hex(utf8('c'))!, hex(utf8('3'))!],
  [hex(utf8('d'))!, hex(utf8('4'))!],
];

/** A snapshot taken after seed() must keep reading the seeded state after `change`. */
function unchangedBy(name: string, change: (ctx: CaseContext) => Promise<void>): Case {
  return {
    group,
    name: `a snapshot is unchanged by later ${name}`,
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      await change(ctx);
      const view = snapshot.keyspace(ctx.pass.keyspace);
      expect(hexEntries(await readAll(view))).toEqual(SEEDED);
      expect(hexEntries(await readAll(view, { reverse: true }))).toEqual([...SEEDED].reverse());
      expect(hex(await view.get(utf8('a')))).toBe(hex(utf8('1')));
      expect(await view.get(utf8('new'))).toBeUndefined();
      expect((await view.getMany([utf8('d'), utf8('new')])).map(hex)).toEqual([hex(utf8('4')), undefined]);
      // the sync siblings read the same point in time
      if (view.getSync) expect([utf8('a'), utf8('d'), utf8('new')].map((k) => hex(view.getSync!(k)))).toEqual([hex(utf8('1')), hex(utf8('4')), undefined]);
      if (view.iterateSync) expect(hexEntries([...view.iterateSync({ reverse: true })])).toEqual([...SEEDED].reverse());
      expect(hexEntries(await readAll(snapshot.keyspace(OTHER)))).toEqual([[hex(utf8('o')), hex(utf8('other'))]]);
      await snapshot.close();
    },
  };
}

export const snapshotCases: Case[] = [
  {
    group,
    name: 'engine.snapshot exists exactly when capabilities.snapshots is true',
    async run(ctx) {
      expect(typeof ctx.engine.snapshot === 'function').toBe(ctx.caps.snapshots);
    },
  },
  unchangedBy('puts and overwrites', async (ctx) => {
    await ctx.ks.put(utf8('new'), utf8('x'));
    await ctx.ks.put(utf8('a'), utf8('changed'));
  }),
  unchangedBy('dels', async (ctx) => {
    await ctx.ks.del(utf8('a'));
    await ctx.ks.del(utf8('d'));
  }),
  unchangedBy('delRange', async (ctx) => {
    await ctx.engine.write([ctx.delRange({ gt: utf8('a') }), { type: 'delRange', keyspace: OTHER, range: {} }]);
  }),
  unchangedBy('clear', async (ctx) => {
    await ctx.ks.clear();
    await ctx.engine.keyspace(OTHER).clear();
  }),
  unchangedBy('batches across keyspaces', async (ctx) => {
    await ctx.engine.write([
      ctx.put(utf8('new'), utf8('x')),
      ctx.del(utf8('b')),
      { type: 'put', keyspace: OTHER, key: utf8('o'), value: utf8('changed') },
      { type: 'put', keyspace: OTHER, key: utf8('p'), value: utf8('added') },
    ]);
  }),
  {
    group,
    name: 'a snapshot of 300 keys reads exactly them, by every point read and a new iterator, after 900 keys are inserted between them',
    skip: needsSnapshots,
    async run(ctx) {
      // Enough keys for a tree engine to have branches; the inserts split the leaves and branches the snapshot shares.
      const old = Array.from({ length: 300 }, (_, i) => Uint8Array.of(i >> 8, i & 0xff, 0x80));
      const valueOf = (key: Uint8Array) => Uint8Array.of(0x76, ...key);
      await ctx.engine.write(old.map((key) => ctx.put(key, valueOf(key))));
      const snapshot = take(ctx);
      try {
        for (const low of [0x20, 0x40, 0x60]) await ctx.engine.write(old.map((key) => ctx.put(Uint8Array.of(key[0]!, key[1]!, low), utf8('new'))));
        const view = snapshot.keyspace(ctx.pass.keyspace);
        const expected = old.map((key) => hex(valueOf(key)));
        expect((await view.getMany(old)).map(hex), 'getMany').toEqual(expected);
        expect(await Promise.all(old.map(async (key) => hex(await view.get(key)))), 'get').toEqual(expected);
        if (view.getSync !== undefined) expect(old.map((key) => hex(view.getSync!(key))), 'getSync').toEqual(expected);
        expect((await view.getMany(old.map((key) => Uint8Array.of(key[0]!, key[1]!, 0x40)))).filter((v) => v !== undefined), 'inserted keys').toEqual([]);
        expect(hexKeys(await readAll(view)), 'a new iterator').toEqual(old.map((key) => hex(key)));
      } finally {
        await snapshot.close();
      }
    },
  },
  {
    group,
    name: 'snapshots taken every 10 deletes while two in three of 600 keys written in shuffled order go one at a time: each reads exactly the keys of its moment',
    skip: needsSnapshots,
    async run(ctx) {
      // Keys written in shuffled order fill a tree engine's pages unevenly, so as keys go one at a
      // time, pages borrow from neighbours that the newest snapshot still shares.
      const count = 600;
      const keyOf = (i: number) => Uint8Array.of(0x62, i >> 8, i & 0xff);
      const valueOf = (i: number) => Uint8Array.of(0x76, i >> 8, i & 0xff);
      await ctx.engine.write(shuffledIndexes(count, 1).map((i) => ctx.put(keyOf(i), valueOf(i))));
      const doomed = shuffledIndexes(count, 2).filter((i) => i % 3 !== 0);
      const present = new Set(Array.from({ length: count }, (_, i) => i));
      const held: { snapshot: Snapshot; kept: number[] }[] = [];
      try {
        for (let from = 0; from < doomed.length; from += 10) {
          held.push({ snapshot: take(ctx), kept: [...present].sort((a, b) => a - b) });
          const run = doomed.slice(from, from + 10);
          await ctx.engine.write(run.map((i) => ctx.del(keyOf(i))));
          for (const i of run) present.delete(i);
        }
        const keys = Array.from({ length: count }, (_, i) => keyOf(i));
        for (const [n, { snapshot, kept }] of held.entries()) {
          const view = snapshot.keyspace(ctx.pass.keyspace);
          const has = new Set(kept);
          const expected = keys.map((_, i) => (has.has(i) ? hex(valueOf(i)) : undefined));
          expect((await view.getMany(keys)).map(hex), `snapshot ${n + 1} of ${held.length}: getMany`).toEqual(expected);
          expect(hexKeys(await readAll(view)), `snapshot ${n + 1} of ${held.length}: iterate`).toEqual(kept.map((i) => hex(keyOf(i))));
        }
      } finally {
        for (const { snapshot } of held) await snapshot.close();
      }
    },
  },
  {
    group,
    name: 'several snapshots each keep their own point in time',
    skip: needsSnapshots,
    async run(ctx) {
      await ctx.ks.put(utf8('k'), utf8('v1'));
      const s1 = take(ctx);
      await ctx.ks.put(utf8('k'), utf8('v2'));
      await ctx.ks.put(utf8('k2'), utf8('x'));
      const s2 = take(ctx);
      await ctx.ks.del(utf8('k'));
      const s3 = take(ctx);
      expect(hex(await s1.keyspace(ctx.pass.keyspace).get(utf8('k')))).toBe(hex(utf8('v1')));
      expect(hex(await s2.keyspace(ctx.pass.keyspace).get(utf8('k')))).toBe(hex(utf8('v2')));
      expect(await s3.keyspace(ctx.pass.keyspace).get(utf8('k'))).toBeUndefined();
      expect(hexKeys(await readAll(s1.keyspace(ctx.pass.keyspace)))).toEqual([hex(utf8('k'))]);
      expect(hexKeys(await readAll(s2.keyspace(ctx.pass.keyspace)))).toEqual([hex(utf8('k')), hex(utf8('k2'))]);
      await s2.close();
      expect(hex(await s1.keyspace(ctx.pass.keyspace).get(utf8('k')))).toBe(hex(utf8('v1'))); // closing one leaves others
      await s1.close();
      await s3.close();
    },
  },
  {
    group,
    name: 'a snapshot supports ranges, reverse and limit',
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      await ctx.ks.put(utf8('bb'), utf8('later'));
      const view = snapshot.keyspace(ctx.pass.keyspace);
      expect(hexKeys(await readAll(view, { gt: utf8('a'), lte: utf8('c') }))).toEqual([hex(utf8('b')), hex(utf8('c'))]);
      expect(hexKeys(await readAll(view, { reverse: true, limit: 2 }))).toEqual([hex(utf8('d')), hex(utf8('c'))]);
      expect(hexKeys(await readAll(view, { prefix: utf8('b') }))).toEqual([hex(utf8('b'))]);
      await snapshot.close();
    },
  },
  {
    group,
    name: 'a snapshot of a keyspace first written after the snapshot reads empty',
    skip: needsSnapshots,
    async run(ctx) {
      const snapshot = take(ctx);
      await ctx.engine.keyspace('conformance-later').put(utf8('k'), utf8('v'));
      expect(await readAll(snapshot.keyspace('conformance-later'))).toEqual([]);
      expect(await snapshot.keyspace('conformance-later').get(utf8('k'))).toBeUndefined();
      await snapshot.close();
    },
  },
  {
    group,
    name: 'snapshot close is idempotent; reads afterwards fail NOT_OPEN',
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      const view = snapshot.keyspace(ctx.pass.keyspace);
      await Promise.all([snapshot.close(), snapshot.close()]);
      await snapshot.close();
      await expectTidekvError(() => view.get(utf8('a')), 'NOT_OPEN', 'snapshot get after close');
      await expectTidekvError(() => view.getMany([utf8('a')]), 'NOT_OPEN', 'snapshot getMany after close');
      await expectTidekvError(() => view.iterate().next(), 'NOT_OPEN', 'snapshot iterate after close');
      await expectTidekvError(() => snapshot.keyspace(ctx.pass.keyspace).get(utf8('a')), 'NOT_OPEN', 'snapshot keyspace after close');
      expect(hex(await ctx.ks.get(utf8('a')))).toBe(hex(utf8('1'))); // the engine is unaffected
    },
  },
  {
    group,
    name: 'closing a snapshot closes its open iterators',
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      const it = snapshot.keyspace(ctx.pass.keyspace).iterate();
      await it.next();
      await snapshot.close();
      let failed = false;
      try {
        await it.next();
      } catch (error) {
        failed = true;
        expect(['NOT_OPEN', 'ITERATOR_CLOSED']).toContain((error as { code?: string }).code);
      }
      expect(failed, 'an iterator of a closed snapshot must not keep reading').toBe(true);
    },
  },
  {
    group,
    name: 'Symbol.asyncDispose closes a snapshot',
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      await snapshot[Symbol.asyncDispose]();
      await expectTidekvError(() => snapshot.keyspace(ctx.pass.keyspace).get(utf8('a')), 'NOT_OPEN');
    },
  },
  {
    group,
    name: 'closing the engine closes its snapshots',
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      const view = snapshot.keyspace(ctx.pass.keyspace);
      await ctx.engine.close();
      await expectTidekvError(() => view.get(utf8('a')), 'NOT_OPEN', 'snapshot read after engine close');
      await snapshot.close();
    },
  },
  {
    group,
    name: 'snapshot getSync and iterateSync, where a snapshot offers them, read the snapshot',
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const snapshot = take(ctx);
      await ctx.ks.put(utf8('a'), utf8('changed'));
      await ctx.ks.del(utf8('d'));
      const view = snapshot.keyspace(ctx.pass.keyspace);
      if (view.getSync) expect(hex(view.getSync(utf8('a')))).toBe(hex(utf8('1')));
      if (view.iterateSync) expect(hexEntries([...view.iterateSync({ reverse: true })])).toEqual([...SEEDED].reverse());
      await snapshot.close();
    },
  },
  {
    group,
    name: "after a snapshot closes, its getSync and iterateSync fail NOT_OPEN and the engine's live iterators keep working",
    skip: needsSnapshots,
    async run(ctx) {
      await seed(ctx);
      const live = ctx.ks.iterate();
      const first = await live.next();
      const snapshot = take(ctx);
      const view = snapshot.keyspace(ctx.pass.keyspace);
      const snapshotIterator = view.iterate();
      await snapshotIterator.next();
      await snapshot.close();
      if (view.getSync) expectSyncTidekvError(() => view.getSync!(utf8('a')), 'NOT_OPEN', 'snapshot getSync after close');
      if (view.iterateSync) expectSyncTidekvError(() => [...view.iterateSync!()], 'NOT_OPEN', 'snapshot iterateSync after close');
      expect(snapshotIterator.closed, "the snapshot's own iterator is closed with it").toBe(true);
      expect(live.closed, 'a live iterator of the engine stays open').toBe(false);
      const rest = await live.all();
      expect(hexEntries([first!, ...rest])).toEqual(SEEDED);
      expect(hexEntries(await readAll(ctx.ks))).toEqual(SEEDED);
      if (ctx.ks.iterateSync) expect(hexEntries([...ctx.ks.iterateSync()])).toEqual(SEEDED);
      if (ctx.ks.getSync) expect(hex(ctx.ks.getSync(utf8('a')))).toBe(hex(utf8('1')));
    },
  },
];
