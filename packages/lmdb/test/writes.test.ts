/** Write paths: batching, ordering between paths, range deletes, atomicity, buffer reuse, sync. */
import { describe, expect, it } from 'vitest';
import type { WriteOp } from '@tidekv/core';
import { openTemp, b, hex, codeOf, dump, tempDir } from './helpers.js';

const keys = (entries: [Uint8Array, Uint8Array][]) => entries.map(([k]) => hex(k));

describe('lmdb writes', () => {
  it('un-awaited puts from one turn all commit, each promise resolving to undefined', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const pending = Array.from({ length: 500 }, (_, i) => ks.put(b(i >> 8, i & 0xff), b(i & 0xff)));
    expect(await Promise.all(pending)).toEqual(new Array(500).fill(undefined));
    expect((await ks.iterate().all()).length).toBe(500);
  });

  // 'flush' commits on the calling thread while nothing is queued and queues behind a
  // pending clear(): the order must hold across that switch too.
  it.each(['commit', 'flush'] as const)('keeps call order across put, write with a range delete, and clear (%s)', async (durability) => {
    const engine = await openTemp({ durability });
    const ks = engine.keyspace('default');
    // All issued in one turn: the range delete must see the put before it and not the one after.
    const a = ks.put(b(1), b(1));
    const c = engine.write([{ type: 'delRange', range: { gte: b(0), lt: b(5) } }]);
    const d = ks.put(b(2), b(2));
    const e = ks.del(b(2));
    const f = ks.put(b(3), b(3));
    const g = ks.clear({ gte: b(3) });
    const h = ks.put(b(4), b(4));
    await Promise.all([a, c, d, e, f, g, h]);
    expect(keys(await ks.iterate().all())).toEqual(['04']);
    const i = ks.clear();
    const j = ks.put(b(5), b(5));
    await Promise.all([i, j]);
    expect(keys(await ks.iterate().all())).toEqual(['05']);
  });

  it('a range delete sees the earlier ops of its own batch and not the later ones', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await ks.put(b(0), b(0));
    await engine.write([
      { type: 'put', key: b(1), value: b(1) },
      { type: 'put', keyspace: 'other', key: b(1), value: b(1) },
      { type: 'delRange', range: { lte: b(1) } },
      { type: 'put', key: b(0, 5), value: b(5) },
      { type: 'del', keyspace: 'other', key: b(9) },
    ]);
    expect(await dump(engine, ['default', 'other'])).toEqual({ default: [['0005', '05']], other: [['01', '01']] });
  });

  it('deletes ranges larger than one internal chunk, leaving the keys around them', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const ops: WriteOp[] = [];
    for (let i = 0; i < 3000; i++) ops.push({ type: 'put', key: b(1, i >> 8, i & 0xff), value: b(1) });
    ops.push({ type: 'put', key: b(0), value: b(0) }, { type: 'put', key: b(2), value: b(2) });
    await engine.write(ops);
    await ks.clear({ prefix: b(1) });
    expect(keys(await ks.iterate().all())).toEqual(['00', '02']);
    await engine.write([{ type: 'delRange', range: { gt: b(0), reverse: true, limit: 1 } }]); // reverse/limit ignored
    expect(keys(await ks.iterate().all())).toEqual(['00']);
  });

  it('clearing one keyspace leaves the others alone', async () => {
    const engine = await openTemp();
    await engine.write([
      { type: 'put', key: b(1), value: b(1) },
      { type: 'put', keyspace: 'other', key: b(1), value: b(1) },
    ]);
    await engine.keyspace('default').clear();
    await engine.write([{ type: 'delRange', keyspace: 'third', range: {} }]);
    expect(await dump(engine, ['default', 'other', 'third'])).toEqual({ default: [], other: [['01', '01']], third: [] });
  });

  it('a batch with one invalid op writes nothing, on either write path', async () => {
    const engine = await openTemp();
    await engine.write([{ type: 'put', key: b(1), value: b(1) }]);
    const before = await dump(engine, ['default', 'other']);
    const bad: [string, unknown[]][] = [
      ['INVALID_VALUE', [{ type: 'put', keyspace: 'other', key: b(2), value: b(2) }, { type: 'put', key: b(3), value: 'x' }]],
      ['INVALID_KEY', [{ type: 'delRange', range: {} }, { type: 'del', key: null }]],
      ['INVALID_RANGE', [{ type: 'put', key: b(2), value: b(2) }, { type: 'delRange', range: { gt: 'a' } }]],
      ['INVALID_KEYSPACE', [{ type: 'put', key: b(2), value: b(2) }, { type: 'put', keyspace: '../x', key: b(2), value: b(2) }]],
      ['INVALID_ARGUMENT', [{ type: 'put', key: b(2), value: b(2) }, { type: 'merge', key: b(2) }]],
    ];
    for (const [code, ops] of bad) expect(await codeOf(() => engine.write(ops as WriteOp[]))).toBe(code);
    expect(await codeOf(() => engine.write('nope' as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => engine.write([], { sync: 'yes' } as never))).toBe('INVALID_OPTION');
    expect(await dump(engine, ['default', 'other'])).toEqual(before);
  });

  it('rejects values over maxValueSize with VALUE_TOO_LARGE before anything is written', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    // One byte over the limit; the zero-filled pages are never touched, so nothing is really allocated.
    const value = new Uint8Array(engine.capabilities.maxValueSize + 1);
    expect(await codeOf(() => ks.put(b(1), value))).toBe('VALUE_TOO_LARGE');
    // A Uint8Array merely claiming a larger length is not trusted: its real bytes are checked.
    class Oversized extends Uint8Array {
      override get length(): number {
        return engine.capabilities.maxValueSize + 1;
      }
    }
    expect(await codeOf(() => ks.put(b(1), new Oversized(1)))).toBe('INVALID_VALUE');
    expect(await codeOf(() => engine.write([{ type: 'put', key: b(2), value: b(2) }, { type: 'put', key: b(1), value }]))).toBe('VALUE_TOO_LARGE');
    expect(await ks.iterate().all()).toEqual([]);
  });

  it('copies buffers at call time: reusing them before the commit does not change what is stored', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const key = b(1);
    const value = b(0xaa);
    const p1 = ks.put(key, value);
    value[0] = 0xbb;
    key[0] = 2;
    const p2 = engine.write([{ type: 'put', key, value }]);
    value[0] = 0xcc;
    const p3 = engine.write([
      { type: 'delRange', range: { gte: b(9) } },
      { type: 'put', key: b(3), value },
    ]);
    value[0] = 0xdd;
    await Promise.all([p1, p2, p3]);
    expect((await ks.iterate().all()).map(([k, v]) => [hex(k), hex(v)])).toEqual([
      ['01', 'aa'],
      ['02', 'bb'],
      ['03', 'cc'],
    ]);
  });

  it('sync writes and flush resolve once durable, on every path', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(1), { sync: true });
    await ks.del(b(1), { sync: true });
    await engine.write([{ type: 'put', key: b(2), value: b(2) }], { sync: true });
    await engine.write([{ type: 'delRange', range: { lt: b(2) } }], { sync: true });
    await ks.clear({ gt: b(5) }, { sync: true });
    await engine.write([], { sync: true });
    await engine.write([]);
    await engine.flush();
    expect(keys(await ks.iterate().all())).toEqual(['02']);
    expect(await codeOf(() => ks.put(b(1), b(1), { sync: 1 } as never))).toBe('INVALID_OPTION');
    expect(await codeOf(() => ks.del(b(1), null as never))).toBe('INVALID_OPTION');
    expect(await codeOf(() => ks.clear(undefined, 'x' as never))).toBe('INVALID_OPTION');
    expect(await codeOf(() => ks.clear({ lt: 5 } as never))).toBe('INVALID_RANGE');
  });

  // A sync write commits on the calling thread when nothing is queued, the others of the same
  // synchronous run queue behind it: the last write issued wins however the paths alternate,
  // and every acknowledged write is there after a reopen.
  it.each(['commit', 'flush'] as const)('sync and unsynced writes issued together keep call order across both commit paths (%s)', async (durability) => {
    const path = tempDir();
    const engine = await openTemp({ path, durability });
    const ks = engine.keyspace('default');
    const S = { sync: true } as const;
    await ks.put(b(9), b(9));
    await Promise.all([ks.clear(), ks.put(b(6), b(6), S)]);
    await Promise.all([ks.put(b(1), b(1), S), ks.put(b(1), b(2), S), ks.put(b(1), b(3))]);
    await Promise.all([ks.put(b(2), b(1)), ks.put(b(2), b(2), S)]);
    await Promise.all([ks.del(b(3), S), ks.put(b(3), b(3), S), engine.write([{ type: 'put', key: b(3), value: b(4) }], S)]);
    await ks.put(b(4), b(4), S);
    await ks.del(b(4), S);
    await ks.put(b(5), b(5), S);
    const expected = [['01', '03'], ['02', '02'], ['03', '04'], ['05', '05'], ['06', '06']];
    expect((await ks.iterate().all()).map(([k, v]) => [hex(k), hex(v)])).toEqual(expected);
    await engine.close();
    const reopened = await openTemp({ path, durability });
    expect((await reopened.keyspace('default').iterate().all()).map(([k, v]) => [hex(k), hex(v)])).toEqual(expected);
  });

  it.each([false, true])('a scan resumes correctly when its resume key and the next key are deleted (reverse: %s)', async (reverse) => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 100 }, (_, i) => ({ type: 'put' as const, key: b(i), value: b(0) })));
    const seen: number[] = [];
    const iterator = ks.iterate({ reverse });
    // nextv(1): every entry is its own chunk, so every step resumes after the last key.
    for (let chunk = await iterator.nextv(1); chunk.length > 0; chunk = await iterator.nextv(1)) {
      const k = chunk[0]![0][0]!;
      seen.push(k);
      if (k % 10 === 5) await engine.write([{ type: 'del', key: b(k) }, { type: 'del', key: b(reverse ? k - 1 : k + 1) }]);
    }
    await iterator.close();
    const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) => (reverse ? i % 10 !== 4 : i % 10 !== 6));
    expect(seen).toEqual(reverse ? expected.reverse() : expected);
  });
});
