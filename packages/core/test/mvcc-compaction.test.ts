import { afterEach, describe, expect, it } from 'vitest';
import { MvccStore, type CompactorClock } from '../src/index.js';
import { TestDisk, TestEngine } from './fixtures/mvcc-engine.js';
import { keys, openStore, text } from './fixtures/mvcc-helpers.js';

let store: MvccStore;
afterEach(async () => store?.close());

const revKeys = (disk: TestDisk) => [...disk.table('rev').values()].map(([key]) => `${Buffer.from(key).readUInt32BE(4)}${key.length === 18 ? 't' : ''}`).sort((a, b) => parseInt(a) - parseInt(b));

/**
 * A store over a test engine whose reads take 5 ms, holding two versions of a, b and c
 * (revisions 2..4, then 5..7): room for a compaction at 7 to race reads at 4.
 */
async function openTwoVersions(): Promise<TestDisk> {
  const disk = new TestDisk();
  store = await MvccStore.open({ engine: new TestEngine(disk, { syncReads: false }), wal: false });
  for (const k of ['a', 'b', 'c']) await store.put(k, `${k}1`); // 2..4
  for (const k of ['a', 'b', 'c']) await store.put(k, `${k}2`); // 5..7
  disk.readDelayMs = 5;
  return disk;
}

describe('compaction', () => {
  it("etcd's TestKVCompactBad: compact(0) ok, compact(1) ok, compact(1) COMPACTED, compact(4) ok, compact(5) FUTURE_REV", async () => {
    ({ store } = await openStore());
    for (const v of ['1', '2', '3']) await store.put('foo', v);
    expect(store.revision).toBe(4);
    expect(await store.compact(0)).toEqual({ revision: 4 });
    expect(await store.compact(1)).toEqual({ revision: 4 });
    await expect(store.compact(1)).rejects.toMatchObject({ code: 'COMPACTED' });
    expect(await store.compact(4)).toEqual({ revision: 4 });
    await expect(store.compact(5)).rejects.toMatchObject({ code: 'FUTURE_REV' });
    expect(store.compactRevision).toBe(4);
  });

  it("etcd's TestKVCompactReserveLastValue: put, put, delete, put; after compact at r a read at r + 1 returns the survivor", async () => {
    for (let at = 1; at <= 4; at++) {
      const opened = await openStore();
      const s = opened.store;
      await s.put('foo', 'bar0', {}); // 2
      await s.put('foo', 'bar1'); // 3
      await s.deleteRange('foo'); // 4
      await s.put('foo', 'bar2'); // 5
      const before = await s.range('foo', { revision: at + 1 });
      await s.compact(at, { physical: true });
      expect(await s.range('foo', { revision: at + 1 }), `compact(${at})`).toEqual(before);
      await s.close();
    }
  });

  it('reads below the compact revision fail COMPACTED; at it they work; the kept set follows the reference example', async () => {
    const opened = await openStore({ compactionPauseMs: 0 });
    store = opened.store;
    await store.put('k', '1'); // 2
    await store.put('k', '2'); // 3
    await store.deleteRange('k'); // 4
    await store.put('k', '3'); // 5
    await store.deleteRange('k'); // 6
    await store.put('other', 'x'); // 7
    await store.compact(3, { physical: true });
    await expect(store.range('k', { revision: 2 })).rejects.toMatchObject({ code: 'COMPACTED' });
    expect(text((await store.range('k', { revision: 3 })).kvs[0]!.value)).toBe('2');
    expect(revKeys(opened.disk)).toEqual(['3', '4t', '5', '6t', '7']);
    await store.compact(5, { physical: true });
    expect(revKeys(opened.disk)).toEqual(['5', '6t', '7']);
    await store.compact(6, { physical: true });
    expect(revKeys(opened.disk)).toEqual(['6t', '7']);
    await store.compact(7, { physical: true });
    expect(revKeys(opened.disk)).toEqual(['7']);
    expect(keys((await store.range('\0', { end: '\0' })).kvs)).toEqual(['other']);
  });

  it('compacting at the current revision keeps every live key', async () => {
    ({ store } = await openStore());
    for (let i = 0; i < 10; i++) await store.put(`k${i}`, String(i));
    await store.deleteRange('k3');
    const before = await store.range('\0', { end: '\0' });
    await store.compact(store.revision, { physical: true });
    expect(await store.range('\0', { end: '\0' })).toEqual(before);
  });

  it('reads and hashes at or above the compact revision are the same before and after physical removal and after reopen', async () => {
    const opened = await openStore({ compactionBatchSize: 3, compactionPauseMs: 0 });
    store = opened.store;
    for (let i = 0; i < 60; i++) {
      if (i % 7 === 3) await store.deleteRange(`k${i % 9}`);
      else await store.put(`k${i % 9}`, `v${i}`);
    }
    const target = 40;
    const reads = async (from = target) => Promise.all(Array.from({ length: store.revision - from + 1 }, (_, i) => store.range('\0', { end: '\0', revision: from + i })));
    const before = await reads();
    const logical = await store.compact(target);
    expect(logical.revision).toBe(store.revision);
    const hashLogical = await store.hashKV();
    const hashAtTarget = await store.hashKV(target);
    expect(await reads()).toEqual(before);
    await store.compact(target + 1, { physical: true });
    await store.close();
    ({ store } = await openStore({ disk: opened.disk }));
    expect(store.compactRevision).toBe(41);
    expect(await reads(target + 1)).toEqual(before.slice(1).map((r) => ({ ...r, revision: store.revision })));
    // Hash parity: equal to a store that compacted at 41 straight away.
    const other = await openStore();
    for (let i = 0; i < 60; i++) {
      if (i % 7 === 3) await other.store.deleteRange(`k${i % 9}`);
      else await other.store.put(`k${i % 9}`, `v${i}`);
    }
    await other.store.compact(41);
    expect(await store.hashKV()).toEqual(await other.store.hashKV());
    await other.store.compact(other.store.revision, { physical: true });
    expect((await other.store.hashKV()).hash).not.toBe(hashLogical.hash);
    await other.store.close();
    expect(hashAtTarget.revision).toBe(logical.revision);
  });

  it('a compaction cut short resumes on reopen', async () => {
    const disk = new TestDisk();
    let opened = await openStore({ disk, compactionBatchSize: 2, compactionPauseMs: 50 });
    for (let i = 0; i < 30; i++) await opened.store.put(`k${i % 3}`, `v${i}`);
    await opened.store.compact(25);
    await opened.store.close(); // stops between batches
    const left = revKeys(disk).length;
    expect(left).toBeGreaterThan(3 + 6);
    ({ store } = await openStore({ disk, compactionBatchSize: 2, compactionPauseMs: 0 }));
    expect(store.compactRevision).toBe(25);
    await expect(store.range('k0', { revision: 24 })).rejects.toMatchObject({ code: 'COMPACTED' });
    await store.compact(26, { physical: true });
    expect(revKeys(disk)).toEqual(['24', '25', '26', '27', '28', '29', '30', '31']);
    opened = { store, disk, engine: undefined as never };
  });

  it('physical removal waits for reads that started before the logical compaction', async () => {
    const opened = await openStore({ compactionPauseMs: 0 });
    store = opened.store;
    for (let i = 0; i < 20; i++) await store.put(`k${i}`, 'a');
    for (let i = 0; i < 20; i++) await store.put(`k${i}`, 'b');
    const slowRead = store.range('k', { prefix: true, revision: 21 });
    await store.compact(41, { physical: true });
    const read = await slowRead;
    expect(read.count).toBe(20);
    expect(read.kvs.every((kv) => text(kv.value) === 'a')).toBe(true);
  });

  it('a read-only txn running while a compaction starts reads a whole, correct revision', async () => {
    const disk = await openTwoVersions();
    const reads = store.txn({ success: [{ type: 'range', key: 'a', revision: 4 }, { type: 'range', key: 'b', revision: 4 }, { type: 'range', key: 'c', revision: 4 }] });
    const compaction = store.compact(7, { physical: true });
    const result = await reads;
    expect(result.responses.map((r) => (r.type === 'range' ? r.kvs.map((kv) => text(kv.value)) : []))).toEqual([['a1'], ['b1'], ['c1']]);
    await compaction;
    await expect(store.range('a', { revision: 4 })).rejects.toMatchObject({ code: 'COMPACTED' });
  });

  it.each([
    ['before its first op runs', async () => undefined],
    ['while its first read is in the engine', () => new Promise<void>((resolve) => setImmediate(resolve))],
  ])('a read-only txn that starts while a compaction writes its scheduled revision reads a whole, correct revision (write lands %s)', async (_, beforeRelease) => {
    const disk = await openTwoVersions();
    let reached!: () => void;
    let release!: () => void;
    const writing = new Promise<void>((resolve) => (reached = resolve));
    disk.beforeSyncedWrite = () => {
      reached();
      return new Promise<void>((resolve) => (release = resolve));
    };
    const compaction = store.compact(7, { physical: true });
    await writing; // the compaction has passed its checks and is making its revision durable
    const reads = store.txn({ success: [{ type: 'range', key: 'a', revision: 4 }, { type: 'range', key: 'b', revision: 4 }, { type: 'range', key: 'c', revision: 4 }] });
    await beforeRelease();
    release();
    const result = await reads;
    expect(result.responses.map((r) => (r.type === 'range' ? r.kvs.map((kv) => text(kv.value)) : []))).toEqual([['a1'], ['b1'], ['c1']]);
    await compaction;
    await expect(store.range('a', { revision: 4 })).rejects.toMatchObject({ code: 'COMPACTED' });
  });

  it('a compaction waiting for a read-only txn holds new ones back until it has compacted, so a stream of them cannot starve it', async () => {
    const disk = await openTwoVersions();
    const order: string[] = [];
    const first = store.txn({ success: [{ type: 'range', key: 'a', revision: 4 }, { type: 'range', key: 'b', revision: 4 }] }).then((r) => {
      order.push('first');
      return r;
    });
    const compaction = store.compact(7).then(() => order.push('compaction'));
    await new Promise<void>((resolve) => setImmediate(resolve)); // the compaction now waits for `first`, still in the engine
    const below = store.txn({ success: [{ type: 'range', key: 'a', revision: 4 }] });
    const at = store.txn({ success: [{ type: 'range', key: 'a', revision: 7 }] }).then((r) => {
      order.push('at');
      return r;
    });
    await expect(below).rejects.toMatchObject({ code: 'COMPACTED' });
    const atResult = await at;
    expect(atResult.responses.map((r) => (r.type === 'range' ? text(r.kvs[0]!.value) : ''))).toEqual(['a2']);
    const firstResult = await first;
    expect(firstResult.responses.map((r) => (r.type === 'range' ? r.kvs.map((kv) => text(kv.value)) : []))).toEqual([['a1'], ['b1']]);
    await compaction;
    expect(order).toEqual(['first', 'compaction', 'at']);
  });

  it('a read-only txn held back by a compaction still runs when close() is called meanwhile', async () => {
    const disk = new TestDisk();
    store = await MvccStore.open({ engine: new TestEngine(disk, { syncReads: false }), wal: false });
    for (const k of ['a', 'a']) await store.put(k, `${k}${store.revision}`); // 2, 3
    disk.readDelayMs = 5;
    const first = store.txn({ success: [{ type: 'range', key: 'a', revision: 2 }] });
    const compaction = store.compact(3);
    await new Promise<void>((resolve) => setImmediate(resolve)); // the compaction now waits for `first`
    const held = store.txn({ success: [{ type: 'range', key: 'a' }] });
    const closed = store.close();
    const [firstResult, heldResult] = await Promise.all([first, held, compaction, closed]);
    expect(firstResult.responses.map((r) => (r.type === 'range' ? text(r.kvs[0]!.value) : ''))).toEqual(['a1']);
    expect(heldResult.responses.map((r) => (r.type === 'range' ? text(r.kvs[0]!.value) : ''))).toEqual(['a2']);
  });

  it('hashKV: COMPACTED below the compact revision, FUTURE_REV above the current; a tombstone at the compact revision is not hashed', async () => {
    ({ store } = await openStore());
    await store.put('a', '1');
    await store.put('b', '1');
    await store.deleteRange('a'); // 4
    const beforeCompaction = await store.hashKV(4);
    await store.compact(4, { physical: true });
    await expect(store.hashKV(3)).rejects.toMatchObject({ code: 'COMPACTED' });
    await expect(store.hashKV(5)).rejects.toMatchObject({ code: 'FUTURE_REV' });
    const after = await store.hashKV(4);
    expect(after.compactRevision).toBe(4);
    expect(after.hash).not.toBe(beforeCompaction.hash);
    // Only b@3 is hashed now: equal to a store holding just b at revision 3, compacted there.
    const other = await openStore();
    await other.store.put('zz', '1');
    await other.store.deleteRange('zz');
    await other.store.compact(3);
    const only = await other.store.hashKV(3);
    await other.store.close();
    expect(beforeCompaction.compactRevision).toBe(-1);
    expect(only.hash).toBe(0); // nothing kept for hashing
  });
});

class FakeClock implements CompactorClock {
  time = 0;
  timers: Array<{ at: number; run: () => void; id: number }> = [];
  #next = 0;
  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    const id = ++this.#next;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.run();
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    }
    this.time = end;
  }
}

describe('compactor', () => {
  it("revision mode: every 5 minutes compact to current - retention when > 0 and changed", async () => {
    const clock = new FakeClock();
    ({ store } = await openStore({ compactor: { mode: 'revision', retention: 10, clock } }));
    for (let i = 0; i < 5; i++) await store.put('k', String(i)); // revision 6
    await clock.advance(5 * 60_000);
    expect(store.compactRevision).toBe(-1); // 6 - 10 <= 0
    for (let i = 0; i < 20; i++) await store.put('k', String(i)); // revision 26
    await clock.advance(5 * 60_000 - 1);
    expect(store.compactRevision).toBe(-1);
    await clock.advance(1);
    expect(store.compactRevision).toBe(16);
    store.compactor!.pause();
    for (let i = 0; i < 5; i++) await store.put('k', String(i)); // 31
    await clock.advance(5 * 60_000);
    expect(store.compactRevision).toBe(16);
    store.compactor!.resume();
    await clock.advance(5 * 60_000);
    expect(store.compactRevision).toBe(21);
  });

  it('periodic mode: compacts to the revision from `retention` ago once retention has passed, then every retention', async () => {
    const clock = new FakeClock();
    const hour = 3_600_000;
    ({ store } = await openStore({ compactor: { mode: 'periodic', retention: hour, clock } }));
    // One put per 6 minutes (the sampling interval is retention / 10).
    const revisionAt: number[] = [];
    for (let step = 0; step < 30; step++) {
      revisionAt.push(store.revision);
      await store.put('k', String(step));
      await clock.advance(hour / 10);
      if (step === 9) expect(store.compactRevision).toBe(1); // first compaction at 1 h: revision sampled 1 h ago
      if (step === 10) expect(store.compactRevision).toBe(1);
    }
    // After 3 h: compacted to the revision sampled an hour before the last compaction.
    expect(store.compactRevision).toBeGreaterThan(revisionAt[15]!);
    expect(store.compactRevision).toBeLessThanOrEqual(revisionAt[20]!);
  });

  it('close() stops the compactor; the default clock never keeps the process alive', async () => {
    const clock = new FakeClock();
    const opened = await openStore({ compactor: { mode: 'revision', retention: 1, clock } });
    expect(clock.timers.length).toBe(1);
    await opened.store.close();
    expect(clock.timers.length).toBe(0);
    const engine = new TestEngine();
    store = await MvccStore.open({ engine, wal: false, compactor: { mode: 'periodic', retention: 1000 } });
    expect(store.compactor?.options.mode).toBe('periodic');
  });
});
