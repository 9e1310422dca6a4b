/** Snapshots are LMDB read transactions: consistent, released on close, closed with the engine. */
import { describe, expect, it } from 'vitest';
import { open as openRaw } from 'lmdb';
import { openLmdb } from '../src/index.js';
import { openTemp, tempDir, track, b, hex, codeOf } from './helpers.js';

/** Transaction ids LMDB's reader table shows for live read transactions. */
function readerTxnIds(path: string): number[] {
  const raw = openRaw({ path, noSubdir: false });
  try {
    return raw
      .readerList()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length === 3 && /^\d+$/.test(cols[0]!))
      .map((cols) => Number(cols[2]));
  } finally {
    void raw.close();
  }
}

describe('lmdb snapshots', () => {
  it('reads every keyspace as of the moment it was taken', async () => {
    const engine = await openTemp();
    await engine.write([
      { type: 'put', key: b(1), value: b(1) },
      { type: 'put', keyspace: 'other', key: b(1), value: b(1) },
    ]);
    const snapshot = engine.snapshot!();
    await engine.write([
      { type: 'put', key: b(1), value: b(2) },
      { type: 'put', key: b(2), value: b(2) },
      { type: 'del', keyspace: 'other', key: b(1) },
    ]);
    await engine.keyspace('default').clear({ gte: b(5) });
    const view = snapshot.keyspace('default');
    expect(hex((await view.get(b(1)))!)).toBe('01');
    expect(view.getSync!(b(2))).toBeUndefined();
    expect((await view.getMany([b(1), b(2)])).map((v) => v && hex(v))).toEqual(['01', undefined]);
    expect((await view.iterate().all()).map(([k, v]) => [hex(k), hex(v)])).toEqual([['01', '01']]);
    expect([...view.iterateSync!({ reverse: true })].map(([k]) => hex(k))).toEqual(['01']);
    expect((await snapshot.keyspace('other').iterate().all()).length).toBe(1);
    // the live view moved on
    expect(hex((await engine.keyspace('default').get(b(1)))!)).toBe('02');
    expect((await engine.keyspace('other').iterate().all()).length).toBe(0);
    await snapshot.close();
    await snapshot.close();
    expect(await codeOf(() => view.get(b(1)))).toBe('NOT_OPEN');
    expect(await codeOf(() => snapshot.keyspace('default'))).toBe('NOT_OPEN');
  });

  it('pages a long snapshot scan without losing consistency', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 600 }, (_, i) => ({ type: 'put' as const, key: b(i >> 8, i & 0xff), value: b(0) })));
    const snapshot = engine.snapshot!();
    const iterator = snapshot.keyspace('default').iterate({ reverse: true });
    let count = 0;
    for (let chunk = await iterator.nextv(7); chunk.length > 0; chunk = await iterator.nextv(7)) {
      count += chunk.length;
      for (const [, value] of chunk) expect(value[0]).toBe(0);
      await ks.clear(); // the live keyspace empties; the snapshot does not notice
      await ks.put(b(9, 9), b(1));
    }
    expect(count).toBe(600);
    await snapshot.close();
  });

  it('shows keyspaces created after it as empty, and ones that existed at open as they were', async () => {
    const path = tempDir();
    const first = await openLmdb({ path });
    await first.keyspace('old').put(b(1), b(1));
    await first.close();
    const engine = track(await openLmdb({ path }));
    const snapshot = engine.snapshot!();
    await engine.keyspace('new').put(b(1), b(1));
    expect((await snapshot.keyspace('new').iterate().all()).length).toBe(0);
    expect(snapshot.keyspace('new').getSync!(b(1))).toBeUndefined();
    expect([...snapshot.keyspace('never').iterateSync!()].length).toBe(0);
    expect(hex((await snapshot.keyspace('old').get(b(1)))!)).toBe('01');
    expect(await codeOf(() => snapshot.keyspace('bad name'))).toBe('INVALID_KEYSPACE');
    await snapshot.close();
  });

  it('ends its read transaction on close, so LMDB can reuse pages', async () => {
    const path = tempDir();
    const engine = track(await openLmdb({ path }));
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(1));
    const snapshot = engine.snapshot!();
    await snapshot.keyspace('default').get(b(1));
    for (let i = 0; i < 5; i++) await ks.put(b(1), b(i));
    const pinned = readerTxnIds(path);
    expect(pinned.length).toBeGreaterThan(0);
    await snapshot.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await ks.put(b(1), b(9));
    await ks.get(b(1));
    const after = readerTxnIds(path);
    expect(Math.min(...after)).toBeGreaterThan(Math.min(...pinned));
  });

  it('an open (non-snapshot) iterator holds no read transaction between chunks', async () => {
    const path = tempDir();
    const engine = track(await openLmdb({ path }));
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: b(i), value: b(0) })));
    const iterator = ks.iterate();
    expect((await iterator.nextv(10)).length).toBe(10);
    const before = readerTxnIds(path);
    // many commits while the iterator is parked: none of them waits for it
    for (let i = 0; i < 20; i++) await ks.put(b(100 + i), b(1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await ks.get(b(0));
    const during = readerTxnIds(path);
    expect(Math.min(...during)).toBeGreaterThan(Math.max(0, ...before));
    expect((await iterator.all()).length).toBe(60);
  });

  it('engine close closes open snapshots and their iterators', async () => {
    const engine = await openTemp();
    await engine.keyspace('default').put(b(1), b(1));
    const snapshot = engine.snapshot!();
    const iterator = snapshot.keyspace('default').iterate();
    const sync = snapshot.keyspace('default').iterateSync!()[Symbol.iterator]();
    sync.next();
    await engine.close();
    expect(iterator.closed).toBe(true);
    expect(await codeOf(() => snapshot.keyspace('default').get(b(1)))).toBe('NOT_OPEN');
    expect(await codeOf(() => sync.next())).toBe('NOT_OPEN');
    expect(await codeOf(() => engine.snapshot!())).toBe('NOT_OPEN');
  });
});
