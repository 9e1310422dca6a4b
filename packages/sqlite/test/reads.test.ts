import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTemp, text, utf8 } from './helpers.js';

describe('reads share a read transaction until the next write or the end of the event-loop turn', () => {
  it('sees the engine’s own writes at once, in the same synchronous run too', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    expect(ks.getSync!(utf8('k'))).toBeUndefined();
    const put = ks.put(utf8('k'), utf8('1')); // runs now; resolves later
    expect(text(ks.getSync!(utf8('k')))).toBe('1');
    const batch = engine.write([{ type: 'put', key: utf8('k'), value: utf8('2') }]);
    expect(text(ks.getSync!(utf8('k')))).toBe('2');
    const del = ks.del(utf8('k'));
    expect(ks.getSync!(utf8('k'))).toBeUndefined();
    engine.keyspace('created-mid-burst');
    expect(ks.getSync!(utf8('k'))).toBeUndefined();
    await Promise.all([put, batch, del]);
  });

  it('ends the read transaction at the end of the event-loop turn', async () => {
    const { dir, engine } = await openTemp();
    const ks = engine.keyspace('default');
    expect(ks.getSync!(utf8('outside'))).toBeUndefined();
    // Another connection commits while the read transaction is open (tidekv never does this
    // itself; it makes the transaction's lifetime observable).
    const writer = new Database(join(dir, 'tidekv.sqlite'));
    try {
      const table = `kv_${Buffer.from('default').toString('hex')}`;
      const insert = writer.prepare(`INSERT OR REPLACE INTO "${table}" (k, v) VALUES (?, ?)`);
      insert.run(utf8('outside'), utf8('x'));
      expect(ks.getSync!(utf8('outside')), 'same run: the same read transaction').toBeUndefined();
      await Promise.resolve();
      expect(await ks.get(utf8('outside')), 'awaited reads in the same turn: still the same one').toBeUndefined();
      expect(await ks.iterate().all(), 'iterator pages too').toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(text(ks.getSync!(utf8('outside'))), 'next turn: a new read transaction').toBe('x');
      insert.run(utf8('outside'), utf8('y'));
      await ks.put(utf8('own'), utf8('write')); // the engine's own write ends the transaction too
      expect(text(await ks.get(utf8('outside')))).toBe('y');
      expect(await ks.getMany([utf8('outside'), utf8('own')])).toEqual([utf8('y'), utf8('write')]);
    } finally {
      writer.close();
    }
  });

  it('getMany returns values in key order of the request, with undefined for misses', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(['a', 'b', 'c'].map((k) => ({ type: 'put' as const, key: utf8(k), value: utf8(k.toUpperCase()) })));
    expect((await ks.getMany([utf8('c'), utf8('x'), utf8('a'), utf8('c')])).map(text)).toEqual(['C', undefined, 'A', 'C']);
    expect(await ks.getMany([])).toEqual([]);
  });
});
