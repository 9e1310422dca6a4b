import { expect } from 'vitest';
import type { Keyspace, StorageEngine } from '@tidekv/core';
import type { Case } from '../case.js';
import { hex, utf8 } from '../support/bytes.js';
import { expectTidekvError, expectSyncTidekvError } from '../support/expect-error.js';

const group = 'lifecycle';

interface AfterClose {
  name: string;
  call: (engine: StorageEngine, ks: Keyspace) => unknown;
  sync?: boolean;
  skip?: Case['skip'];
}

const syncOnly: Case['skip'] = (caps) => (caps.syncReads ? false : 'capabilities.syncReads is false');
const getSyncOnly: Case['skip'] = (_caps, options) => (options.getSync ? false : 'keyspace.getSync is absent');

const OPS_AFTER_CLOSE: AfterClose[] = [
  { name: 'get', call: (_e, ks) => ks.get(utf8('a')) },
  { name: 'getMany', call: (_e, ks) => ks.getMany([utf8('a')]) },
  { name: 'getSync', call: (_e, ks) => ks.getSync!(utf8('a')), sync: true, skip: getSyncOnly },
  { name: 'put', call: (_e, ks) => ks.put(utf8('a'), utf8('1')) },
  { name: 'del', call: (_e, ks) => ks.del(utf8('a')) },
  { name: 'clear', call: (_e, ks) => ks.clear() },
  { name: 'iterate', call: async (_e, ks) => ks.iterate().next() },
  { name: 'iterateSync', call: (_e, ks) => [...ks.iterateSync!()], sync: true, skip: syncOnly },
  { name: 'write', call: (e) => e.write([{ type: 'put', key: utf8('a'), value: utf8('1') }]) },
  { name: 'flush', call: (e) => e.flush() },
  {
    name: 'snapshot',
    call: (e) => e.snapshot!(),
    sync: true,
    skip: (caps) => (caps.snapshots ? false : 'capabilities.snapshots is false'),
  },
  { name: 'keyspace', call: (e) => e.keyspace('default'), sync: true },
  // Calls that have nothing to do must still notice the engine is closed.
  { name: 'an empty write() batch', call: (e) => e.write([]) },
  { name: 'an empty write() batch with sync: true', call: (e) => e.write([], { sync: true }) },
  { name: 'getMany([])', call: (_e, ks) => ks.getMany([]) },
  { name: 'clear of a range with crossed bounds', call: (_e, ks) => ks.clear({ gt: utf8('b'), lt: utf8('a') }) },
  { name: 'put with sync: true', call: (_e, ks) => ks.put(utf8('a'), utf8('1'), { sync: true }) },
  { name: 'iterate with limit 0', call: async (_e, ks) => ks.iterate({ limit: 0 }).next() },
  { name: 'iterateSync with limit 0', call: (_e, ks) => [...ks.iterateSync!({ limit: 0 })], sync: true, skip: syncOnly },
];

export const lifecycleCases: Case[] = [
  {
    group,
    name: 'close() is idempotent, including concurrent calls',
    async run(ctx) {
      await ctx.ks.put(utf8('a'), utf8('1'));
      await Promise.all([ctx.engine.close(), ctx.engine.close()]);
      await ctx.engine.close();
    },
  },
  {
    group,
    name: 'Symbol.asyncDispose closes the engine',
    async run(ctx) {
      await ctx.engine[Symbol.asyncDispose]();
      await expectTidekvError(() => ctx.ks.get(utf8('a')), 'NOT_OPEN');
    },
  },
  ...OPS_AFTER_CLOSE.map(
    (op): Case => ({
      group,
      name: `${op.name} after close fails NOT_OPEN`,
      skip: op.skip,
      async run(ctx) {
        await ctx.ks.put(utf8('a'), utf8('1'));
        const ks = ctx.ks;
        await ctx.engine.close();
        if (op.sync) expectSyncTidekvError(() => op.call(ctx.engine, ks), 'NOT_OPEN', `${op.name} after close`);
        else await expectTidekvError(() => op.call(ctx.engine, ks), 'NOT_OPEN', `${op.name} after close`);
      },
    }),
  ),
  {
    group,
    name: 'writes still in flight when close() is called either finish or fail NOT_OPEN',
    async run(ctx) {
      const writes = Array.from({ length: 20 }, (_, i) => ctx.ks.put(Uint8Array.of(i), Uint8Array.of(i)).then(
        () => 'ok',
        (error: { code?: string; name?: string }) => `${error.name}:${error.code}`,
      ));
      const closing = ctx.engine.close();
      const outcomes = await Promise.all(writes);
      await closing;
      for (const outcome of outcomes) expect(['ok', 'TidekvError:NOT_OPEN']).toContain(outcome);
    },
  },
  {
    group,
    name: 'an iterateSync paused mid-way fails NOT_OPEN once the engine closes',
    skip: syncOnly,
    async run(ctx) {
      await ctx.engine.write(Array.from({ length: 1200 }, (_, i) => ctx.put(Uint8Array.of(i >> 8, i & 0xff), Uint8Array.of(1))));
      const entries = ctx.ks.iterateSync!()[Symbol.iterator]();
      for (let i = 0; i < 10; i++) expect(entries.next().done).toBe(false);
      await ctx.engine.close();
      let read = 10;
      expectSyncTidekvError(() => {
        while (!entries.next().done) read++;
      }, 'NOT_OPEN', 'iterateSync after close');
      expect(read, 'at most the chunk in hand is read after close').toBeLessThan(1200);
    },
  },
  {
    group,
    name: 'an open racing close() either fails LOCKED or sees every write made before close()',
    skip: (caps) => (caps.persistent ? false : 'capabilities.persistent is false'),
    async run(ctx) {
      await ctx.ks.put(utf8('before-close'), utf8('1'));
      const closing = ctx.engine.close();
      let reopened: StorageEngine | undefined;
      let settled = false;
      void closing.finally(() => (settled = true));
      while (!settled && reopened === undefined) {
        try {
          reopened = await ctx.openEngine();
        } catch (error) {
          expect((error as { code?: string }).code, 'a failed open while the holder closes').toBe('LOCKED');
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      await closing;
      reopened ??= await ctx.openEngine();
      expect(hex(await reopened!.keyspace(ctx.pass.keyspace).get(utf8('before-close')))).toBe(hex(utf8('1')));
    },
  },
];
