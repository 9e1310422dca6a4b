import Database from 'better-sqlite3';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TidekvError } from '@tidekv/core';
import { openSqlite } from '@tidekv/sqlite';
import { toTidekvError } from '../src/errors.js';
import { expectCode, open, tempDir } from './helpers.js';

/** Runs `cause` against real SQLite and returns what it threw. */
function nativeError(cause: () => void): unknown {
  try {
    cause();
  } catch (error) {
    return error;
  }
  throw new Error('expected SQLite to throw');
}

describe('native error mapping', () => {
  it('maps a file that is not a database to CORRUPTION', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'garbage'), Buffer.alloc(8192, 0x5a));
    const error = nativeError(() => new Database(join(dir, 'garbage')).pragma('journal_mode = WAL'));
    expect((error as { code: string }).code).toBe('SQLITE_NOTADB');
    const mapped = toTidekvError(error, 'test');
    expect(mapped.code).toBe('CORRUPTION');
    expect(mapped.cause).toBe(error);
    expect(mapped.details).toEqual({ sqliteCode: 'SQLITE_NOTADB' });
  });

  it('maps a busy database to LOCKED', async () => {
    const dir = await tempDir();
    const holder = new Database(join(dir, 'db'));
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const other = new Database(join(dir, 'db'), { timeout: 0 });
      const error = nativeError(() => other.exec('BEGIN EXCLUSIVE'));
      other.close();
      expect(toTidekvError(error).code).toBe('LOCKED');
    } finally {
      holder.close();
    }
  });

  it('maps a file that cannot be opened to IO_ERROR', async () => {
    const dir = await tempDir();
    const error = nativeError(() => new Database(join(dir, 'missing', 'db')));
    expect(toTidekvError(error).code).toBe('IO_ERROR');
  });

  it('passes TidekvErrors through and wraps anything else as IO_ERROR', () => {
    const own = new TidekvError('NOT_OPEN', 'closed');
    expect(toTidekvError(own)).toBe(own);
    const wrapped = toTidekvError(new TypeError('odd'), 'doing x');
    expect(wrapped.code).toBe('IO_ERROR');
    expect(wrapped.message).toBe('doing x failed: odd');
    expect(toTidekvError('a string').code).toBe('IO_ERROR');
  });
});

describe('opening damaged or foreign stores', () => {
  it('a corrupt database file fails CORRUPTION, and the lock is released', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'tidekv.sqlite'), Buffer.alloc(8192, 0x5a));
    await expectCode(() => openSqlite({ path: dir }), 'CORRUPTION');
    await expectCode(() => openSqlite({ path: dir }), 'CORRUPTION'); // not LOCKED
  });

  it('a store written by a newer format version fails NOT_SUPPORTED', async () => {
    const dir = await tempDir();
    const engine = await open(dir);
    await engine.close();
    const db = new Database(join(dir, 'tidekv.sqlite'));
    db.prepare("UPDATE tidekv_meta SET value = 99 WHERE name = 'format'").run();
    db.close();
    await expectCode(() => openSqlite({ path: dir }), 'NOT_SUPPORTED');
  });
});

describe('damage found while running', () => {
  it('reads and writes that hit corrupt pages fail CORRUPTION', async () => {
    const dir = await tempDir();
    const engine = await open(dir);
    const value = Buffer.alloc(200, 0x61);
    await engine.write(Array.from({ length: 2000 }, (_, i) => ({ type: 'put' as const, key: Buffer.from(`key-${String(i).padStart(5, '0')}`), value })));
    await engine.close();
    const file = join(dir, 'tidekv.sqlite');
    const { open: openFile } = await import('node:fs/promises');
    const handle = await openFile(file, 'r+');
    const { size } = await handle.stat();
    // Overwrite the second half of the file (data pages; the schema lives on page 1).
    await handle.write(Buffer.alloc(Math.floor(size / 2), 0xee), 0, Math.floor(size / 2), size - Math.floor(size / 2));
    await handle.close();
    const damaged = await open(dir);
    const ks = damaged.keyspace('default');
    await expectCode(() => ks.iterate().all(), 'CORRUPTION');
    expect(() => [...ks.iterateSync!()]).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
    await expectCode(() => ks.getMany(Array.from({ length: 2000 }, (_, i) => Buffer.from(`key-${String(i).padStart(5, '0')}`))), 'CORRUPTION');
    const deletes = Array.from({ length: 2000 }, (_, i) => ({ type: 'del' as const, key: Buffer.from(`key-${String(i).padStart(5, '0')}`) }));
    await expectCode(() => damaged.write(deletes), 'CORRUPTION');
    await expectCode(() => damaged.write(deletes, { sync: true }), 'CORRUPTION');
    // The failed durable commit rolled back cleanly: the engine still writes and flushes.
    const fresh = damaged.keyspace('fresh');
    await fresh.put(Buffer.from('k'), Buffer.from('v'), { sync: true });
    await fresh.put(Buffer.from('k2'), Buffer.from('v2'));
    await damaged.flush();
    expect(await fresh.getMany([Buffer.from('k'), Buffer.from('k2')])).toEqual([Buffer.from('v'), Buffer.from('v2')]);
  });
});
