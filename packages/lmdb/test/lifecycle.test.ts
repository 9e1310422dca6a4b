/** close(): idempotent, waits for pending writes, closes iterators; everything after fails NOT_OPEN. */
import { describe, expect, it } from 'vitest';
import { openLmdb } from '../src/index.js';
import { openTemp, tempDir, track, b, hex, codeOf } from './helpers.js';

describe('lmdb lifecycle', () => {
  it('close waits for writes still queued and makes them durable', async () => {
    const path = tempDir();
    const engine = await openLmdb({ path });
    const ks = engine.keyspace('default');
    const pending = [ks.put(b(1), b(1)), engine.write([{ type: 'delRange', range: { gt: b(5) } }, { type: 'put', key: b(2), value: b(2) }])];
    await engine.close();
    await Promise.all(pending);
    const again = track(await openLmdb({ path }));
    expect((await again.keyspace('default').iterate().all()).map(([k]) => hex(k))).toEqual(['01', '02']);
  });

  it('every operation after close fails NOT_OPEN, and close stays idempotent', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(1));
    const first = engine.close();
    expect(engine.close()).toBe(first);
    await first;
    await engine.close();
    const calls: [string, () => unknown][] = [
      ['keyspace', () => engine.keyspace('default')],
      ['write', () => engine.write([{ type: 'put', key: b(1), value: b(1) }])],
      ['flush', () => engine.flush()],
      ['snapshot', () => engine.snapshot!()],
      ['get', () => ks.get(b(1))],
      ['getSync', () => ks.getSync!(b(1))],
      ['getMany', () => ks.getMany([b(1)])],
      ['put', () => ks.put(b(1), b(1))],
      ['del', () => ks.del(b(1))],
      ['clear', () => ks.clear()],
      ['iterate', () => ks.iterate()],
      ['iterateSync', () => ks.iterateSync!()],
    ];
    for (const [name, call] of calls) expect(`${name}: ${await codeOf(call)}`).toBe(`${name}: NOT_OPEN`);
  });

  it('close ends open iterators, including a suspended synchronous scan', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: b(i), value: b(i) })));
    const iterator = ks.iterate();
    await iterator.next();
    const scan = ks.iterateSync!()[Symbol.iterator]();
    expect(scan.next().done).toBe(false);
    const reusable = ks.iterateSync!();
    await engine.close();
    expect(iterator.closed).toBe(true);
    expect(await codeOf(() => iterator.next())).toBe('NOT_OPEN');
    // closed by the engine, never touching the closed environment, and saying so: NOT_OPEN, not an early end
    expect(await codeOf(() => scan.next())).toBe('NOT_OPEN');
    expect(await codeOf(() => reusable[Symbol.iterator]())).toBe('NOT_OPEN');
  });

  it('iterateSync is re-iterable and releases its cursor when a loop breaks', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 5 }, (_, i) => ({ type: 'put' as const, key: b(i), value: b(i) })));
    const iterable = ks.iterateSync!({ gte: b(1) });
    for (let round = 0; round < 3; round++) {
      for (const [key] of iterable) if (key[0] === 2) break;
      expect([...iterable].map(([k]) => hex(k))).toEqual(['01', '02', '03', '04']);
    }
    await ks.put(b(9), b(9)); // writes still commit after many scans
    expect([...iterable].length).toBe(5);
  });

  it('iterators honour AbortSignal and async dispose', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 5 }, (_, i) => ({ type: 'put' as const, key: b(i), value: b(i) })));
    const controller = new AbortController();
    const iterator = ks.iterate({ signal: controller.signal });
    await iterator.next();
    controller.abort();
    expect(await codeOf(() => iterator.next())).toMatch(/ABORTED|ITERATOR_CLOSED/);
    {
      await using scoped = ks.iterate();
      await scoped.next();
    }
    {
      await using snapshot = engine.snapshot!();
      await snapshot.keyspace('default').get(b(1));
    }
    await using disposable = await openTemp();
    await disposable.keyspace('default').put(b(1), b(1));
  });

  it('rejects bad keyspace names and bad read input with typed errors', async () => {
    const engine = await openTemp();
    for (const name of ['', 'a/b', '../x', 'a b', 'x'.repeat(65), 42, undefined]) {
      expect(await codeOf(() => engine.keyspace(name as never))).toBe('INVALID_KEYSPACE');
    }
    const ks = engine.keyspace('default');
    expect(await codeOf(() => ks.get('k' as never))).toBe('INVALID_KEY');
    expect(await codeOf(() => ks.getSync!(null as never))).toBe('INVALID_KEY');
    expect(await codeOf(() => ks.getMany('k' as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => ks.put(b(1), 5 as never))).toBe('INVALID_VALUE');
    expect(await codeOf(() => ks.iterate({ limit: Number.NaN }))).toBe('INVALID_RANGE');
    expect(await codeOf(() => ks.iterateSync!({ gte: [1] as never }))).toBe('INVALID_RANGE');
    expect(await codeOf(() => ks.iterate({ signal: 'x' as never }))).toBe('INVALID_OPTION');
    expect(await ks.iterate().all()).toEqual([]);
  });
});
