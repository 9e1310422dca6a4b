import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StorageEngine } from '@tidekv/core';
import { open, openTemp, runChild, tempDir, text, utf8 } from './helpers.js';

/**
 * A durable commit (sync write or flush) with unsynced commits pending must write a WAL
 * frame, or SQLite skips the fsync. The counter row it bumps is the observable proof.
 */
function syncMarker(dir: string): number {
  const db = new Database(join(dir, 'tidekv.sqlite'), { readonly: true });
  try {
    return db.prepare("SELECT value FROM tidekv_meta WHERE name = 'sync_marker'").pluck().get() as number;
  } finally {
    db.close();
  }
}

async function clean(engine: StorageEngine, dir: string): Promise<number> {
  await engine.flush();
  return syncMarker(dir);
}

describe('durability model', () => {
  it('flush() commits durably only when unsynced commits are pending', async () => {
    const { dir, engine } = await openTemp();
    const ks = engine.keyspace('default');
    const start = await clean(engine, dir);
    await engine.flush();
    expect(syncMarker(dir), 'nothing pending: no extra commit').toBe(start);
    await ks.put(utf8('a'), utf8('1'));
    await engine.flush();
    expect(syncMarker(dir), 'a pending put: one durable commit').toBe(start + 1);
    await engine.flush();
    expect(syncMarker(dir)).toBe(start + 1);
  });

  it('a sync write on a clean engine is its own durable commit', async () => {
    const { dir, engine } = await openTemp();
    const start = await clean(engine, dir);
    await engine.keyspace('default').put(utf8('a'), utf8('1'), { sync: true });
    await engine.write([{ type: 'put', key: utf8('b'), value: utf8('2') }], { sync: true });
    expect(syncMarker(dir)).toBe(start);
    expect(text(engine.keyspace('default').getSync!(utf8('b')))).toBe('2');
  });

  it('a sync write that changes no bytes still makes earlier unsynced writes durable', async () => {
    const { dir, engine } = await openTemp();
    const ks = engine.keyspace('default');
    const start = await clean(engine, dir);
    await ks.put(utf8('a'), utf8('1'));
    await ks.put(utf8('a'), utf8('1'), { sync: true }); // identical row: SQLite writes no frame for it
    expect(syncMarker(dir)).toBe(start + 1);
    await ks.del(utf8('missing'));
    await ks.del(utf8('missing'), { sync: true });
    expect(syncMarker(dir)).toBe(start + 2);
    await ks.clear({ gte: utf8('zzz') });
    await engine.write([{ type: 'delRange', range: { gte: utf8('zzz') } }], { sync: true });
    expect(syncMarker(dir)).toBe(start + 3);
    await ks.put(utf8('b'), utf8('2'));
    await ks.clear({ gte: utf8('zzz') }, { sync: true });
    expect(syncMarker(dir)).toBe(start + 4);
    expect(text(ks.getSync!(utf8('b')))).toBe('2');
  });

  it('close() checkpoints everything into the database file', async () => {
    const { dir, engine } = await openTemp();
    await engine.write(Array.from({ length: 100 }, (_, i) => ({ type: 'put' as const, key: utf8(`k${i}`), value: utf8(`v${i}`) })));
    await engine.close();
    const wal = join(dir, 'tidekv.sqlite-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    const again = await open(dir);
    expect(await again.keyspace('default').iterate().all()).toHaveLength(100);
  });

  it('writes acknowledged with sync: true survive a kill -9 of the writer', async () => {
    const dir = await tempDir();
    let acknowledged = 0;
    const result = await runChild(
      `
const engine = await sqlite.openSqlite({ path: process.argv[1] });
const ks = engine.keyspace('durable');
for (let i = 0; ; i++) {
  await ks.put(Buffer.from('k' + String(i).padStart(6, '0')), Buffer.from('v' + i), { sync: true });
  console.log('ack ' + i);
}
`,
      [dir],
      (line, child) => {
        if (!line.startsWith('ack ')) return;
        acknowledged = Number(line.slice(4)) + 1;
        if (acknowledged === 50) child.kill('SIGKILL');
      },
    );
    expect(result.signal).toBe('SIGKILL');
    const engine = await open(dir);
    const entries = await engine.keyspace('durable').iterate().all();
    expect(entries.length).toBeGreaterThanOrEqual(acknowledged);
    entries.forEach(([key, value], i) => {
      expect(text(key)).toBe('k' + String(i).padStart(6, '0'));
      expect(text(value)).toBe('v' + i);
    });
  });
});
