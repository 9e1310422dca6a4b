/**
 * Watch on a real MvccStore (over core's test engine): events from the commit path, history
 * catch-up from the rev keyspace joining live writes, compaction, slow consumers, close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyValue, MvccStore, WatchEvent, WatchResponse, WatchStream } from '../src/index.js';
import { ManualClock } from '../src/mvcc/clock.js';
import { openStore, takeEvents, text } from './fixtures/mvcc-helpers.js';

let store: MvccStore;
afterEach(async () => store?.close());

const brief = (e: WatchEvent) => `${e.type} ${text(e.kv.key)}@${e.kv.modRevision}${e.prevKv ? ` prev=${text(e.prevKv.value)}` : ''}`;

describe('MvccStore watch', () => {
  it('delivers puts, deletes and txns from the commit path in etcd\'s shapes', async () => {
    ({ store } = await openStore());
    await store.put('pre', '0');
    const w = store.watch('k', { prefix: true });
    await store.put('k1', 'a');
    await store.put('k1', 'b');
    await store.txn({ success: [{ type: 'put', key: 'k2', value: 'c' }, { type: 'deleteRange', key: 'k1' }, { type: 'put', key: 'x', value: 'x' }] });
    await store.deleteRange('k', { prefix: true });
    const { events, responses } = await takeEvents(w, 5);
    expect(events.map(brief)).toEqual(['put k1@3', 'put k1@4', 'put k2@5', 'delete k1@5', 'delete k2@6']);
    expect(events[0]!.kv).toMatchObject({ createRevision: 3, modRevision: 3, version: 1, lease: 0 });
    expect(events[1]!.kv).toMatchObject({ createRevision: 3, modRevision: 4, version: 2 });
    expect(events[3]!.kv).toEqual({ key: new TextEncoder().encode('k1'), value: new Uint8Array(0), createRevision: 0, modRevision: 5, version: 0, lease: 0 });
    // The txn's two events arrive together.
    const txnResponse = responses.find((r) => r.events.some((e) => e.kv.modRevision === 5))!;
    expect(txnResponse.events.filter((e) => e.kv.modRevision === 5)).toHaveLength(2);
    w.cancel();
  });

  it("a txn's reads of writes not yet applied return bytes the caller owns: changing them changes no event, no later read", async () => {
    ({ store } = await openStore());
    const w = store.watch('k', { prefix: true });
    // Its own write, read back in the same txn (read-your-writes).
    const own = await store.txn({ success: [{ type: 'put', key: 'k1', value: 'abc' }, { type: 'range', key: 'k1' }] });
    // Another commit's write, prepared but not yet applied when this txn reads it.
    const first = store.put('k2', 'ghi');
    const other = store.txn({ success: [{ type: 'put', key: 'x', value: 'x' }, { type: 'range', key: 'k2' }] });
    await first;
    const read = await other;
    const owned = [
      (own.responses[1] as { kvs: KeyValue[] }).kvs[0]!,
      (read.responses[1] as { kvs: KeyValue[] }).kvs[0]!,
    ];
    expect(owned.map((kv) => `${text(kv.key)}=${text(kv.value)}`)).toEqual(['k1=abc', 'k2=ghi']);
    for (const kv of owned) {
      kv.key.fill(0x5a);
      kv.value.fill(0x5a);
    }
    const { events } = await takeEvents(w, 2);
    expect(events.map((e) => `${text(e.kv.key)}=${text(e.kv.value)}`)).toEqual(['k1=abc', 'k2=ghi']);
    expect(text((await store.range('k2')).kvs[0]!.value)).toBe('ghi');
    expect(text((await store.range('k1')).kvs[0]!.value)).toBe('abc');
    w.cancel();
  });

  it('catches up from stored history in small batches while writers run, then goes live with no gap or duplicate', async () => {
    ({ store } = await openStore({ watch: { catchUpBatchEvents: 7 } }));
    for (let i = 0; i < 200; i++) await store.put(`k${i % 13}`, String(i));
    const w = store.watch('k', { prefix: true, startRevision: 2 });
    const writers = (async () => {
      for (let i = 0; i < 100; i++) await store.put(`k${i % 5}`, `late${i}`);
    })();
    const { events } = await takeEvents(w, 300);
    await writers;
    expect(events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(text(events.at(-1)!.kv.value)).toBe('late99');
    await store.put('k0', 'live');
    expect((await takeEvents(w, 1)).events.map(brief)).toEqual(['put k0@302']);
  });

  it('prevKv reads the previous value, live and from history', async () => {
    ({ store } = await openStore());
    await store.put('a', 'v1');
    await store.put('a', 'v2');
    const past = store.watch('a', { startRevision: 2, prevKv: true });
    const live = store.watch('a', { prevKv: true });
    await store.deleteRange('a');
    expect((await takeEvents(past, 3)).events.map(brief)).toEqual(['put a@2', 'put a@3 prev=v1', 'delete a@4 prev=v2']);
    expect((await takeEvents(live, 1)).events.map(brief)).toEqual(['delete a@4 prev=v2']);
  });

  it('a watch behind a compaction gets compactRevision and ends; one from the compact revision still gets its DELETE', async () => {
    ({ store } = await openStore());
    await store.put('a', '1');
    await store.put('a', '2');
    await store.deleteRange('a');
    await store.put('b', '1');
    await store.compact(4, { physical: true });
    const behind = store.watch('a', { startRevision: 3 });
    expect(await behind.next()).toEqual({ done: false, value: { events: [], revision: 5, compactRevision: 4 } });
    expect((await behind.next()).done).toBe(true);
    const atCompaction = store.watch('a', { startRevision: 4 });
    expect((await takeEvents(atCompaction, 1)).events.map(brief)).toEqual(['delete a@4']);
  });

  it('a consumer that stops reading blocks no writer, holds a bounded queue, and later loses nothing', async () => {
    ({ store } = await openStore({ watch: { maxQueuedEvents: 16, catchUpBatchEvents: 100 } }));
    const slow = store.watch('k', { prefix: true });
    const writes = [];
    for (let i = 0; i < 1000; i++) writes.push(store.put(`k${i % 10}`, String(i)));
    await Promise.all(writes);
    expect(store.revision).toBe(1001);
    expect((slow as unknown as { queued: number }).queued).toBeLessThanOrEqual(16);
    const { events } = await takeEvents(slow, 1000);
    expect(events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 2));
  });

  it('a compaction while a slow watcher is behind ends it with compactRevision, never a silent skip', async () => {
    ({ store } = await openStore({ watch: { maxQueuedEvents: 4 } }));
    const slow = store.watch('k');
    for (let i = 0; i < 20; i++) await store.put('k', String(i));
    await store.compact(15, { physical: true });
    const responses: WatchResponse[] = [];
    for await (const r of slow) responses.push(r);
    const delivered = responses.flatMap((r) => r.events.map((e) => e.kv.modRevision));
    expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, i) => i + 2));
    expect(responses.at(-1)).toEqual({ events: [], revision: 21, compactRevision: 15 });
    expect(delivered.at(-1)! + 1).toBeLessThan(15);
  });

  it('progress notifications, filters, cancellation; close() ends every watch and later watches fail NOT_OPEN', async () => {
    ({ store } = await openStore());
    const w = store.watch('a', { filters: ['noput'] });
    await store.put('a', '1');
    w.requestProgress();
    expect(await w.next()).toEqual({ done: false, value: { events: [], revision: 2, progress: true } });
    const controller = new AbortController();
    const aborted = store.watch('a', { signal: controller.signal });
    controller.abort();
    expect((await aborted.next()).done).toBe(true);
    const pending = w.next();
    await store.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(() => store.watch('a')).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it('refuses bad watch input with typed errors', async () => {
    ({ store } = await openStore());
    expect(() => store.watch('')).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => store.watch('b', { end: 'a' })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => store.watch('b', { startRevision: -2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => store.watch('b', { nope: 1 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // An empty end is the single key, as etcd reads it.
    const w = store.watch('b', { end: '' });
    await store.put('ba', '1');
    await store.put('b', '1');
    expect((await takeEvents(w, 1)).events.map(brief)).toEqual(['put b@3']);
  });
});

describe('MvccStore watch progress', () => {
  it('periodic progress notifications follow the store\'s injected watch clock', async () => {
    const clock = new ManualClock();
    ({ store } = await openStore({ watch: { clock, progressIntervalMs: 60_000 } }));
    const w = store.watch('k', { progressNotify: true });
    expect(clock.pending).toBe(1);
    await store.put('other', '1');
    clock.advance(60_000);
    expect((await w.next()).value).toEqual({ events: [], revision: store.revision, progress: true });
    await store.put('k', '1');
    clock.advance(60_000);
    expect((await takeEvents(w, 1)).events.map(brief)).toEqual([`put k@${store.revision}`]);
    clock.advance(60_000);
    expect((await w.next()).value).toEqual({ events: [], revision: store.revision, progress: true });
    await store.close();
    expect(clock.pending).toBe(0);
  });
});

describe('MvccStore with Buffer keys', () => {
  it('a prefix range or watch on a Buffer key neither changes the caller\'s bytes nor reads the wrong keys', async () => {
    ({ store } = await openStore());
    const inside = Buffer.from([0x61, 0xff, 0x01]);
    const outside = Buffer.from([0x62, 0x00]);
    await store.put(inside, '1');
    await store.put(outside, '1');
    const prefix = Buffer.from([0x61, 0xff]);
    const w = store.watch(prefix, { prefix: true, startRevision: 2 });
    const read = await store.range(prefix, { prefix: true });
    expect([...prefix]).toEqual([0x61, 0xff]);
    expect(read.kvs.map((kv) => [...kv.key])).toEqual([[0x61, 0xff, 0x01]]);
    expect((await takeEvents(w, 1)).events.map((e) => [...e.kv.key])).toEqual([[0x61, 0xff, 0x01]]);
    w.cancel();
  });
});
