import { expect } from 'vitest';
import type { Case, CaseContext } from '../case.js';
import { bytes, hex, hexEntries, hexKeys, valueFor } from '../support/bytes.js';
import { expectTidekvError } from '../support/expect-error.js';

const group = 'iterator';

/** Writes keys [0]..[count-1] (two bytes, big-endian) with valueFor values. */
async function fill(ctx: CaseContext, count: number): Promise<Uint8Array[]> {
  const keys = Array.from({ length: count }, (_, i) => bytes(i >> 8, i & 0xff));
  await ctx.engine.write(keys.map((k) => ctx.put(k, valueFor(k))));
  return keys;
}

export const iteratorCases: Case[] = [
  {
    group,
    name: 'next() walks every entry in order, then resolves undefined repeatedly',
    async run(ctx) {
      const keys = await fill(ctx, 5);
      const it = ctx.ks.iterate();
      for (const key of keys) {
        const entry = await it.next();
        expect(entry && hex(entry[0])).toBe(hex(key));
        expect(entry && hex(entry[1])).toBe(hex(valueFor(key)));
      }
      expect(await it.next()).toBeUndefined();
      expect(await it.next()).toBeUndefined();
      await it.close();
    },
  },
  {
    group,
    name: 'nextv(n) returns chunks of at most n entries in order, then []',
    async run(ctx) {
      const keys = await fill(ctx, 10);
      const it = ctx.ks.iterate();
      const seen: string[] = [];
      for (;;) {
        const chunk = await it.nextv(3);
        expect(chunk.length).toBeLessThanOrEqual(3);
        if (chunk.length === 0) break;
        seen.push(...hexKeys(chunk));
      }
      expect(seen).toEqual(keys.map((k) => hex(k)));
      expect(await it.nextv(3)).toEqual([]);
      await it.close();
    },
  },
  {
    group,
    name: 'all() returns every entry and closes the iterator',
    async run(ctx) {
      const keys = await fill(ctx, 7);
      const it = ctx.ks.iterate();
      expect(hexKeys(await it.all())).toEqual(keys.map((k) => hex(k)));
      expect(it.closed).toBe(true);
    },
  },
  {
    group,
    name: 'all() after some next() calls returns only the remaining entries',
    async run(ctx) {
      const keys = await fill(ctx, 6);
      const it = ctx.ks.iterate();
      await it.next();
      await it.nextv(2);
      expect(hexKeys(await it.all())).toEqual(keys.slice(3).map((k) => hex(k)));
    },
  },
  {
    group,
    name: 'next, nextv and mixed reads honour limit',
    async run(ctx) {
      await fill(ctx, 10);
      const it = ctx.ks.iterate({ limit: 5 });
      expect((await it.nextv(3)).length).toBe(3);
      expect(await it.next()).toBeDefined();
      expect((await it.nextv(10)).length).toBe(1);
      expect(await it.nextv(10)).toEqual([]);
      expect(await it.next()).toBeUndefined();
      await it.close();
    },
  },
  {
    group,
    name: 'an iterator over an empty keyspace ends at once',
    async run(ctx) {
      const it = ctx.ks.iterate();
      expect(await it.next()).toBeUndefined();
      expect(await it.nextv(5)).toEqual([]);
      expect(await it.all()).toEqual([]);
    },
  },
  {
    group,
    name: 'close() is idempotent, and reads after close fail ITERATOR_CLOSED',
    async run(ctx) {
      await fill(ctx, 3);
      const it = ctx.ks.iterate();
      await it.next();
      expect(it.closed).toBe(false);
      await Promise.all([it.close(), it.close()]);
      await it.close();
      expect(it.closed).toBe(true);
      await expectTidekvError(() => it.next(), 'ITERATOR_CLOSED', 'next() after close');
      await expectTidekvError(() => it.nextv(2), 'ITERATOR_CLOSED', 'nextv() after close');
      await expectTidekvError(() => it.all(), 'ITERATOR_CLOSED', 'all() after close');
    },
  },
  {
    group,
    name: 'closing an iterator before reading anything works',
    async run(ctx) {
      await fill(ctx, 3);
      const it = ctx.ks.iterate({ reverse: true });
      await it.close();
      await expectTidekvError(() => it.next(), 'ITERATOR_CLOSED');
      expect(await ctx.ks.iterate().all()).toHaveLength(3); // the engine is unaffected
    },
  },
  {
    group,
    name: 'for await visits every entry and closes the iterator',
    async run(ctx) {
      const keys = await fill(ctx, 40);
      const it = ctx.ks.iterate();
      const seen: string[] = [];
      for await (const [key, value] of it) {
        expect(hex(value)).toBe(hex(valueFor(key)));
        seen.push(hex(key)!);
      }
      expect(seen).toEqual(keys.map((k) => hex(k)));
      expect(it.closed).toBe(true);
    },
  },
  {
    group,
    name: 'break out of for await closes the iterator',
    async run(ctx) {
      await fill(ctx, 40);
      const it = ctx.ks.iterate();
      let count = 0;
      for await (const _ of it) if (++count === 3) break;
      expect(count).toBe(3);
      expect(it.closed).toBe(true);
      await expectTidekvError(() => it.next(), 'ITERATOR_CLOSED');
    },
  },
  {
    group,
    name: 'an exception inside for await closes the iterator',
    async run(ctx) {
      await fill(ctx, 10);
      const it = ctx.ks.iterate();
      await expect(
        (async () => {
          for await (const _ of it) throw new Error('consumer failed');
        })(),
      ).rejects.toThrow('consumer failed');
      expect(it.closed).toBe(true);
    },
  },
  {
    group,
    name: 'Symbol.asyncDispose closes the iterator',
    async run(ctx) {
      await fill(ctx, 3);
      const it = ctx.ks.iterate();
      await it.next();
      expect(typeof it[Symbol.asyncDispose]).toBe('function');
      await it[Symbol.asyncDispose]();
      expect(it.closed).toBe(true);
      await expectTidekvError(() => it.next(), 'ITERATOR_CLOSED');
    },
  },
  {
    group,
    name: 'an AbortSignal that fires mid-iteration rejects reads with ABORTED and closes the iterator',
    async run(ctx) {
      await fill(ctx, 50);
      const controller = new AbortController();
      const it = ctx.ks.iterate({ signal: controller.signal });
      expect(await it.next()).toBeDefined();
      controller.abort();
      await expectTidekvError(() => it.next(), 'ABORTED', 'next() after abort');
      await expectTidekvError(() => it.nextv(5), 'ABORTED', 'nextv() after abort');
      await it.close();
      expect(it.closed).toBe(true);
    },
  },
  {
    group,
    name: 'an already-aborted AbortSignal fails the first read with ABORTED',
    async run(ctx) {
      await fill(ctx, 5);
      const signal = AbortSignal.abort();
      await expectTidekvError(async () => {
        const it = ctx.ks.iterate({ signal });
        try {
          await it.next();
        } finally {
          await it.close();
        }
      }, 'ABORTED');
    },
  },
  {
    group,
    name: 'for await over an aborted iterator rejects with ABORTED',
    async run(ctx) {
      await fill(ctx, 50);
      const controller = new AbortController();
      const seen: number[] = [];
      await expectTidekvError(async () => {
        for await (const [key] of ctx.ks.iterate({ signal: controller.signal })) {
          seen.push(key[1]!);
          if (seen.length === 2) controller.abort();
        }
      }, 'ABORTED');
    },
  },
  {
    group,
    name: 'closing the engine closes open iterators: reads then fail NOT_OPEN',
    async run(ctx) {
      await fill(ctx, 10);
      const fresh = ctx.ks.iterate();
      const started = ctx.ks.iterate();
      await started.next();
      await ctx.engine.close();
      await expectTidekvError(() => fresh.next(), 'NOT_OPEN', 'unread iterator after engine close');
      await expectTidekvError(() => started.nextv(3), 'NOT_OPEN', 'started iterator after engine close');
      expect(started.closed).toBe(true);
      expect(fresh.closed).toBe(true);
      await started.close(); // still idempotent
    },
  },
  {
    group,
    name: 'concurrent next() calls hand out each entry once, in order',
    async run(ctx) {
      const keys = await fill(ctx, 20);
      const it = ctx.ks.iterate();
      const entries = await Promise.all(Array.from({ length: 25 }, () => it.next()));
      expect(entries.slice(0, 20).map((e) => e && hex(e[0]))).toEqual(keys.map((k) => hex(k)));
      expect(entries.slice(20)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      await it.close();
    },
  },
  {
    group,
    name: 'entries stay intact after later chunks are read (no buffer reuse)',
    async run(ctx) {
      const keys = await fill(ctx, 1500);
      const it = ctx.ks.iterate();
      const held = [];
      for (let entry = await it.next(); entry; entry = await it.next()) held.push(entry);
      expect(hexEntries(held)).toEqual(keys.map((k) => [hex(k), hex(valueFor(k))]));
    },
  },
  {
    group,
    name: 'the arrays nextv() returned stay intact after later nextv() calls (no array reuse)',
    async run(ctx) {
      const keys = await fill(ctx, 600);
      const it = ctx.ks.iterate();
      const held = [];
      for (let chunk = await it.nextv(100); chunk.length > 0; chunk = await it.nextv(100)) held.push(chunk);
      expect(hexEntries(held.flat())).toEqual(keys.map((k) => [hex(k), hex(valueFor(k))]));
    },
  },
  {
    group,
    name: 'several iterators on one keyspace advance independently',
    async run(ctx) {
      const keys = await fill(ctx, 6);
      const a = ctx.ks.iterate();
      const b = ctx.ks.iterate({ reverse: true });
      expect(hex((await a.next())![0])).toBe(hex(keys[0]));
      expect(hex((await b.next())![0])).toBe(hex(keys[5]));
      expect(hex((await a.next())![0])).toBe(hex(keys[1]));
      await a.close();
      expect(hexKeys(await b.all())).toEqual(keys.slice(0, 5).reverse().map((k) => hex(k)));
    },
  },
  {
    group,
    name: 'an iterator left open does not block writes or close',
    async run(ctx) {
      await fill(ctx, 5);
      const it = ctx.ks.iterate();
      await it.next();
      await ctx.ks.put(bytes(9, 9), bytes(1));
      await ctx.engine.write([ctx.del(bytes(0, 1))]);
      expect(hex(await ctx.ks.get(bytes(9, 9)))).toBe('01');
      await ctx.engine.close();
      expect(it.closed).toBe(true);
    },
  },
  {
    group,
    name: 'an iterator reports closed once its AbortSignal fires, before and during reads and in for await',
    async run(ctx) {
      await fill(ctx, 20);
      const early = new AbortController();
      const unread = ctx.ks.iterate({ signal: early.signal });
      early.abort();
      expect(unread.closed, 'aborted before any read').toBe(true);
      const mid = new AbortController();
      const reading = ctx.ks.iterate({ signal: mid.signal });
      await reading.next();
      mid.abort();
      expect(reading.closed, 'aborted after a read').toBe(true);
      const loop = new AbortController();
      const looped = ctx.ks.iterate({ signal: loop.signal });
      await expectTidekvError(async () => {
        for await (const _entry of looped) loop.abort();
      }, 'ABORTED');
      expect(looped.closed, 'aborted inside for await').toBe(true);
    },
  },
  {
    group,
    name: 'iterateSync honours an AbortSignal as iterate does: an aborted signal fails ABORTED',
    skip: (caps) => (caps.syncReads ? false : 'capabilities.syncReads is false'),
    async run(ctx) {
      await fill(ctx, 600);
      expect(() => [...ctx.ks.iterateSync!({ signal: AbortSignal.abort() } as never)]).toThrowError(
        expect.objectContaining({ code: 'ABORTED' }),
      );
      const controller = new AbortController();
      let seen = 0;
      expect(() => {
        for (const _entry of ctx.ks.iterateSync!({ signal: controller.signal } as never)) if (++seen === 10) controller.abort();
      }).toThrowError(expect.objectContaining({ code: 'ABORTED' }));
      expect(seen, 'the abort is noticed within one chunk').toBeLessThan(600);
    },
  },
];
