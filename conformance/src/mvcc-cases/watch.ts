/**
 * Watch: etcd's start revisions, ranges, event shapes, filters, prevKv, compaction, progress
 * and slow consumers. Every stream a case opens is checked against the six watch validators
 * (ordered, unique, atomic, reliable, resumable, bookmarkable) with the store's history
 * rebuilt from range reads.
 */
import { expect } from 'vitest';
import type { KeyValue, TidekvErrorCode, WatchEvent } from '@tidekv/core';
import type { MvccCase, MvccCaseContext } from '../mvcc-case.js';
import { needsWatch } from '../mvcc-case.js';
import { expectRefused, text } from '../support/mvcc.js';
import { expectValidWatches, historyByRanges, watchable, WatchRecorder } from '../support/watch-recorder.js';

const group = 'watch';
const brief = (e: WatchEvent) => `${e.type} ${text(e.kv.key)}@${e.kv.modRevision}${e.prevKv ? ` prev=${text(e.prevKv.value)}@${e.prevKv.modRevision}` : ''}`;

function watchCase(name: string, run: (ctx: MvccCaseContext) => Promise<void>, timeout?: number): MvccCase {
  return { group, name, skip: needsWatch, run, ...(timeout ? { timeout } : {}) };
}

/** Validates the recorders against the store's history, then cancels them. */
async function validate(ctx: MvccCaseContext, ...recorders: WatchRecorder[]): Promise<void> {
  const truth = await historyByRanges(ctx.kv);
  expectValidWatches(truth, ctx.kv.compactRevision, ...recorders);
  for (const r of recorders) r.close();
}

/** Every field of an event, values included. */
const full = (e: WatchEvent) => {
  const kv = (k: KeyValue) => `${text(k.key)}=${text(k.value)}@${k.modRevision} c${k.createRevision} v${k.version} l${k.lease}`;
  return `${e.type} ${kv(e.kv)}${e.prevKv ? ` prev ${kv(e.prevKv)}` : ''}`;
};

/** Everything a consumer can do to the events it received: every byte of every key and value, then every field. */
function scribble(events: readonly WatchEvent[]): void {
  for (const event of events) {
    for (const kv of event.prevKv ? [event.kv, event.prevKv] : [event.kv]) {
      kv.key.fill(0x5a);
      kv.value.fill(0x5a);
      kv.key = new Uint8Array([0x5a]);
      kv.value = new Uint8Array([0x5a]);
      kv.createRevision = kv.modRevision = kv.version = kv.lease = 999;
    }
    event.type = event.type === 'put' ? 'delete' : 'put';
    event.prevKv = { key: new Uint8Array([1]), value: new Uint8Array([1]), createRevision: 1, modRevision: 1, version: 1, lease: 1 };
    event.kv = { key: new Uint8Array([2]), value: new Uint8Array([2]), createRevision: 2, modRevision: 2, version: 2, lease: 2 };
  }
}

/**
 * Reads the next events of each recorder (those after its first `from`): the first consumer
 * scribbles over its own, then every other must still get exactly `expected` (without prevKv
 * where it did not ask for it).
 */
async function firstScribbles(from: number, expected: readonly string[], first: WatchRecorder, ...others: WatchRecorder[]): Promise<void> {
  const next = async (r: WatchRecorder) => (await r.untilEvents(from + expected.length)).slice(from);
  const want = (r: WatchRecorder) => (r.options.prevKv ? expected : expected.map((e) => e.replace(/ prev .*/, '')));
  const mine = await next(first);
  expect(mine.map(full)).toEqual(want(first));
  scribble(mine);
  for (const other of others) expect((await next(other)).map(full), `${String(other.key)} ${JSON.stringify(other.options)}`).toEqual(want(other));
}

export const watchCases: MvccCase[] = [
  watchCase('each watch owns its events: a consumer changing the events, keys, values and prevKvs it got changes no other watch nor the store', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('p/a', 'v1');
    // Live: three watches of overlapping ranges (two with prevKv) get the same two revisions.
    const prefix = new WatchRecorder(kv, 'p/', { prefix: true, prevKv: true });
    const single = new WatchRecorder(kv, 'p/a', { prevKv: true });
    const range = new WatchRecorder(kv, 'p/', { end: 'p/z' });
    await kv.put('p/a', 'v2');
    await kv.deleteRange('p/a');
    const live = ['put p/a=v2@3 c2 v2 l0 prev p/a=v1@2 c2 v1 l0', 'delete p/a=@4 c0 v0 l0 prev p/a=v2@3 c2 v2 l0'];
    await firstScribbles(0, live, prefix, single, range);
    // Catch-up from history to three watches of overlapping ranges, then a live revision to all six.
    const pastPrefix = new WatchRecorder(kv, 'p/', { prefix: true, prevKv: true, startRevision: 2 });
    const pastSingle = new WatchRecorder(kv, 'p/a', { prevKv: true, startRevision: 2 });
    const pastRange = new WatchRecorder(kv, 'p/', { end: 'p/z', startRevision: 2 });
    await firstScribbles(0, ['put p/a=v1@2 c2 v1 l0', ...live], pastPrefix, pastSingle, pastRange);
    await kv.put('p/a', 'v3');
    await firstScribbles(3, ['put p/a=v3@5 c5 v1 l0'], pastSingle, pastPrefix, pastRange);
    await firstScribbles(2, ['put p/a=v3@5 c5 v1 l0'], range, prefix, single);
    // The store still holds what was written.
    expect(text((await kv.range('p/a', { revision: 2 })).kvs[0]!.value)).toBe('v1');
    expect(text((await kv.range('p/a', { revision: 3 })).kvs[0]!.value)).toBe('v2');
    expect((await kv.range('p/a')).kvs.map((k) => `${text(k.key)}=${text(k.value)}@${k.modRevision}`)).toEqual(['p/a=v3@5']);
    // The watches whose consumers changed nothing: checked against the store's history like any other.
    await validate(ctx, single, pastRange);
    for (const r of [prefix, range, pastPrefix, pastSingle]) r.close();
  }),

  watchCase("changing the arrays a txn's read of its own write returned changes no watch event", async (ctx) => {
    const kv = watchable(ctx.kv);
    const w = new WatchRecorder(kv, 'a');
    const response = await kv.txn({ success: [{ type: 'put', key: 'a', value: 'abc' }, { type: 'range', key: 'a' }] });
    const read = response.responses[1]!;
    if (read.type !== 'range') throw new Error('the second response is the range');
    expect(text(read.kvs[0]!.value)).toBe('abc');
    read.kvs[0]!.key.fill(0x5a);
    read.kvs[0]!.value.fill(0x5a);
    expect((await w.untilEvents(1)).map((e) => `${text(e.kv.key)}=${text(e.kv.value)}`)).toEqual(['a=abc']);
    expect(text((await kv.range('a')).kvs[0]!.value)).toBe('abc');
    await validate(ctx, w);
  }),
  watchCase('a watch from 0 sees only the changes after it started', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('a', 'before');
    const w = new WatchRecorder(kv, 'a');
    await kv.put('a', 'after');
    await kv.put('b', 'other');
    await kv.deleteRange('a');
    expect((await w.untilEvents(2)).map(brief)).toEqual(['put a@3', 'delete a@5']);
    await w.expectQuiet();
    await validate(ctx, w);
  }),

  watchCase('a watch from a past revision replays history, then live changes, with no gap or duplicate', async (ctx) => {
    const kv = watchable(ctx.kv);
    for (let i = 0; i < 60; i++) await kv.put(`k${i % 7}`, `v${i}`);
    const w = new WatchRecorder(kv, 'k', { prefix: true, startRevision: 10 });
    const writers = (async () => {
      for (let i = 0; i < 40; i++) await kv.put(`k${i % 3}`, `late${i}`);
    })();
    await w.untilEvents(92);
    await writers;
    expect(w.events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 92 }, (_, i) => i + 10));
    await kv.put('k1', 'live');
    expect((await w.untilEvents(93)).map(brief).at(-1)).toBe('put k1@102');
    await validate(ctx, w);
  }),

  watchCase('a watch from the current revision includes it; one from the future waits for its revision', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('a', '1');
    const current = new WatchRecorder(kv, 'a', { startRevision: kv.revision });
    const future = new WatchRecorder(kv, 'a', { startRevision: kv.revision + 2 });
    expect((await current.untilEvents(1)).map(brief)).toEqual(['put a@2']);
    await kv.put('a', '2');
    await future.expectQuiet();
    await kv.put('a', '3');
    expect((await future.untilEvents(1)).map(brief)).toEqual(['put a@4']);
    expect((await current.untilEvents(3)).map(brief)).toEqual(['put a@2', 'put a@3', 'put a@4']);
    await validate(ctx, current, future);
  }),

  watchCase('a watch starting below the compact revision gets compactRevision, then ends', async (ctx) => {
    const kv = watchable(ctx.kv);
    for (let i = 0; i < 5; i++) await kv.put('a', `${i}`);
    await kv.compact(4, { physical: true });
    const w = new WatchRecorder(kv, 'a', { startRevision: 2 });
    await w.untilEnd();
    expect(w.responses).toEqual([{ events: [], revision: 6, compactRevision: 4 }]);
  }),

  watchCase('single key, prefix, from-key ("\\0") and [key, end) ranges match exactly their keys', async (ctx) => {
    const kv = watchable(ctx.kv);
    const single = new WatchRecorder(kv, 'ab');
    const prefix = new WatchRecorder(kv, 'a', { prefix: true });
    const fromKey = new WatchRecorder(kv, 'b', { end: '\0' });
    const range = new WatchRecorder(kv, 'ab', { end: 'b' });
    const all = new WatchRecorder(kv, '\0', { end: '\0' });
    const keys = ['a', 'ab', 'abc', 'b', 'b\u00ff', 'c', '\u00ff'];
    await kv.txn({ success: keys.map((key) => ({ type: 'put' as const, key, value: key })) });
    const got = async (r: WatchRecorder, n: number) => (await r.untilEvents(n)).map((e) => text(e.kv.key));
    expect(await got(single, 1)).toEqual(['ab']);
    expect(await got(prefix, 3)).toEqual(['a', 'ab', 'abc']);
    expect(await got(fromKey, 4)).toEqual(['b', 'b\u00ff', 'c', '\u00ff'].map((k) => text(new TextEncoder().encode(k))));
    expect(await got(range, 2)).toEqual(['ab', 'abc']);
    expect(await got(all, 7)).toHaveLength(7);
    await validate(ctx, single, prefix, fromKey, range, all);
  }),

  watchCase('DELETE events carry only the key and the delete revision; a create has createRevision = modRevision', async (ctx) => {
    const kv = watchable(ctx.kv);
    const w = new WatchRecorder(kv, 'k');
    await kv.put('k', 'v1', {});
    await kv.put('k', 'v2');
    await kv.deleteRange('k');
    await kv.put('k', 'v3');
    const events = await w.untilEvents(4);
    expect(events.map((e) => [e.type, e.kv.createRevision, e.kv.modRevision, e.kv.version])).toEqual([
      ['put', 2, 2, 1],
      ['put', 2, 3, 2],
      ['delete', 0, 4, 0],
      ['put', 5, 5, 1],
    ]);
    expect(events[2]!.kv.value).toEqual(new Uint8Array(0));
    expect(events[2]!.kv.lease).toBe(0);
    expect(text(events[2]!.kv.key)).toBe('k');
    await validate(ctx, w);
  }),

  watchCase('prevKv: the previous KeyValue on updates and deletes, none on creates', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('a', 'v1');
    const live = new WatchRecorder(kv, 'a', { prevKv: true });
    const past = new WatchRecorder(kv, 'a', { prevKv: true, startRevision: 2 });
    await kv.put('a', 'v2');
    await kv.deleteRange('a');
    await kv.put('a', 'v3');
    expect((await live.untilEvents(3)).map(brief)).toEqual(['put a@3 prev=v1@2', 'delete a@4 prev=v2@3', 'put a@5']);
    expect((await past.untilEvents(4)).map(brief)).toEqual(['put a@2', 'put a@3 prev=v1@2', 'delete a@4 prev=v2@3', 'put a@5']);
    await validate(ctx, live, past);
  }),

  watchCase('noput and nodelete filters; a response left with no events is not sent', async (ctx) => {
    const kv = watchable(ctx.kv);
    const noPut = new WatchRecorder(kv, 'a', { prefix: true, filters: ['noput'] });
    const noDelete = new WatchRecorder(kv, 'a', { prefix: true, filters: ['nodelete'] });
    await kv.put('a1', '1');
    await kv.deleteRange('a1');
    await kv.put('a2', '1');
    expect((await noPut.untilEvents(1)).map(brief)).toEqual(['delete a1@3']);
    expect((await noDelete.untilEvents(2)).map(brief)).toEqual(['put a1@2', 'put a2@4']);
    await noPut.expectQuiet();
    expect(noPut.responses.every((r) => r.events.length > 0 || r.progress || r.compactRevision !== undefined)).toBe(true);
    await validate(ctx, noPut, noDelete);
  }),

  watchCase("a txn's events arrive in one response, in op order", async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('t1', 'x');
    const w = new WatchRecorder(kv, 't', { prefix: true });
    await kv.txn({
      success: [
        { type: 'put', key: 't3', value: '1' },
        { type: 'deleteRange', key: 't1' },
        { type: 'put', key: 't2', value: '1' },
      ],
    });
    await w.untilEvents(3);
    const withTxn = w.responses.filter((r) => r.events.some((e) => e.kv.modRevision === 3));
    expect(withTxn).toHaveLength(1);
    expect(withTxn[0]!.events.filter((e) => e.kv.modRevision === 3).map(brief)).toEqual(['put t3@3', 'delete t1@3', 'put t2@3']);
    await validate(ctx, w);
  }),

  watchCase('a watch behind a compaction gets compactRevision and ends, never a silent skip', async (ctx) => {
    const kv = watchable(ctx.kv);
    const w = new WatchRecorder(kv, 'k');
    for (let i = 0; i < 10; i++) await kv.put('k', `${i}`);
    const truth = await historyByRanges(kv);
    await w.next();
    await kv.compact(8, { physical: true });
    while (!w.ended && w.events.length < 10) if (!(await w.next(2000))) break;
    const last = w.responses.at(-1)!;
    const delivered = w.events.map((e) => e.kv.modRevision);
    // Either it had everything below 8 already and goes on, or it is told about the compaction.
    if (last.compactRevision !== undefined) {
      expect(last.compactRevision).toBe(8);
      expect(Math.max(1, ...delivered) + 1).toBeLessThan(8);
    } else {
      expect(delivered).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    }
    expectValidWatches(truth, 8, w);
  }),

  watchCase('a DELETE exactly at the compact revision is delivered to a watch starting there', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('a', '1');
    await kv.put('b', '1');
    await kv.deleteRange('a');
    await kv.put('b', '2');
    const truth = await historyByRanges(kv);
    await kv.compact(4, { physical: true });
    const w = new WatchRecorder(kv, '\0', { end: '\0', startRevision: 4 });
    expect((await w.untilEvents(2)).map(brief)).toEqual(['delete a@4', 'put b@5']);
    expectValidWatches(truth, 4, w);
    w.close();
  }),

  watchCase('requestProgress: a bookmark at the current revision once caught up, never before its events', async (ctx) => {
    const kv = watchable(ctx.kv);
    for (let i = 0; i < 5; i++) await kv.put(`x${i}`, '1');
    const w = new WatchRecorder(kv, 'x', { prefix: true, startRevision: 2 });
    w.stream.requestProgress();
    const deadline = Date.now() + 5000;
    while (!w.responses.some((r) => r.progress) && Date.now() < deadline) await w.next(500);
    const progress = w.responses.find((r) => r.progress);
    expect(progress, 'a progress notification').toBeDefined();
    expect(progress!.events).toEqual([]);
    expect(progress!.revision).toBe(6);
    await kv.put('x9', '1');
    await w.untilEvents(6);
    await validate(ctx, w);
  }),

  watchCase('a consumer that stops reading loses nothing and blocks no writer', async (ctx) => {
    const kv = watchable(ctx.kv);
    const slow = new WatchRecorder(kv, 'k', { prefix: true });
    // 3,000 events (more than a watcher usually buffers) in 300 concurrent txns of 10 puts.
    const writes = [];
    for (let t = 0; t < 300; t++) writes.push(kv.txn({ success: Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: `k${i}`, value: `${t}` })) }));
    await Promise.all(writes);
    expect(kv.revision).toBe(301);
    await slow.untilEvents(3000, 30_000);
    expect(slow.events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 3000 }, (_, i) => 2 + Math.floor(i / 10)));
    await validate(ctx, slow);
  }, 60_000),

  watchCase('a watch resumed at its last revision + 1 yields exactly the rest', async (ctx) => {
    const kv = watchable(ctx.kv);
    const first = new WatchRecorder(kv, 'r', { prefix: true });
    for (let i = 0; i < 10; i++) await kv.put(`r${i % 3}`, `${i}`);
    await first.untilEvents(4);
    first.close();
    const resumeAt = first.responses.at(-1)!.revision + 1;
    for (let i = 0; i < 5; i++) await kv.put(`r${i % 3}`, `more${i}`);
    const resumed = new WatchRecorder(kv, 'r', { prefix: true, startRevision: resumeAt });
    await resumed.untilEvents(17 - resumeAt);
    const all = [...first.events, ...resumed.events].map((e) => e.kv.modRevision);
    expect(all).toEqual(Array.from({ length: 15 }, (_, i) => i + 2));
    await validate(ctx, first, resumed);
  }),

  watchCase('cancel(), return() and an abort signal end a watch; close() ends every watch', async (ctx) => {
    const kv = watchable(ctx.kv);
    const controller = new AbortController();
    const a = kv.watch('a');
    const b = kv.watch('a');
    const c = kv.watch('a', { signal: controller.signal });
    const d = kv.watch('a');
    const pending = c.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    a.cancel();
    expect(await a.next()).toEqual({ done: true, value: undefined });
    expect(await b.return()).toEqual({ done: true, value: undefined });
    expect(await b.next()).toEqual({ done: true, value: undefined });
    const waiting = d.next();
    await kv.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(() => kv.watch('a')).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  }),

  watchCase('bad watch input is refused with typed errors', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('a', '1');
    const bad: [unknown, unknown, TidekvErrorCode][] = [
      ['', {}, 'INVALID_KEY'],
      [42, {}, 'INVALID_KEY'],
      ['b', { end: 'a' }, 'INVALID_RANGE'],
      ['b', { end: 'b' }, 'INVALID_RANGE'],
      ['b', { startRevision: -1 }, 'INVALID_ARGUMENT'],
      ['b', { startRevision: 1.5 }, 'INVALID_ARGUMENT'],
      ['b', { filters: ['noputs'] }, 'INVALID_ARGUMENT'],
      ['b', { prefix: 'yes' }, 'INVALID_ARGUMENT'],
      ['b', { nope: true }, 'INVALID_OPTION'],
    ];
    for (const [key, options, code] of bad) {
      await expectRefused(ctx.kv, () => kv.watch(key as string, options as never), code, `watch(${JSON.stringify(key)}, ${JSON.stringify(options)})`);
    }
  }),

  watchCase("a prefix watch and range on a Buffer key ending in 0xFF read the right keys and leave the caller's bytes alone", async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put(Buffer.from([0x61, 0xff, 0x01]), '1');
    await kv.put(Buffer.from([0x62, 0x00]), '1');
    const prefix = Buffer.from([0x61, 0xff]);
    const w = new WatchRecorder(kv, prefix, { prefix: true, startRevision: 2 });
    const read = await kv.range(prefix, { prefix: true });
    expect([...prefix]).toEqual([0x61, 0xff]);
    expect(read.kvs.map((k) => [...k.key])).toEqual([[0x61, 0xff, 0x01]]);
    expect((await w.untilEvents(1)).map((e) => [...e.kv.key])).toEqual([[0x61, 0xff, 0x01]]);
    await validate(ctx, w);
  }),
];
