import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, open, openTemp, text, utf8 } from './helpers.js';

describe('keyspaces as tables', () => {
  it('keeps names that differ only in case apart (SQLite table names are case-insensitive)', async () => {
    const { dir, engine } = await openTemp();
    await engine.keyspace('Users').put(utf8('k'), utf8('upper'));
    await engine.keyspace('users').put(utf8('k'), utf8('lower'));
    await engine.write([{ type: 'put', keyspace: 'USERS', key: utf8('k'), value: utf8('all-caps') }]);
    expect(text(await engine.keyspace('Users').get(utf8('k')))).toBe('upper');
    expect(text(await engine.keyspace('users').get(utf8('k')))).toBe('lower');
    expect(text(await engine.keyspace('USERS').get(utf8('k')))).toBe('all-caps');
    await engine.close();
    const again = await open(dir);
    expect(text(await again.keyspace('Users').get(utf8('k')))).toBe('upper');
    expect(text(await again.keyspace('users').get(utf8('k')))).toBe('lower');
  });

  it('stores each keyspace in its own WITHOUT ROWID table with a BLOB key', async () => {
    const { dir, engine } = await openTemp();
    engine.keyspace('my-space_1');
    await engine.close();
    const db = new Database(join(dir, 'tidekv.sqlite'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name LIKE 'kv_%' ORDER BY name").all() as { name: string; sql: string }[];
      expect(tables.map((t) => t.name)).toEqual([`kv_${Buffer.from('default').toString('hex')}`, `kv_${Buffer.from('my-space_1').toString('hex')}`]);
      for (const { sql } of tables) expect(sql).toMatch(/k BLOB PRIMARY KEY NOT NULL, v BLOB NOT NULL\) WITHOUT ROWID$/);
    } finally {
      db.close();
    }
  });

  it.each(['', 'a b', 'x"; DROP TABLE kv_64656661756c74; --', "o'brien", 'a'.repeat(65), 'ü', 'a.b', 'a/b'])(
    'rejects the keyspace name %j before it reaches SQL',
    async (name) => {
      const { engine } = await openTemp();
      await expectCode(() => engine.keyspace(name), 'INVALID_KEYSPACE');
      await expectCode(() => engine.write([{ type: 'put', keyspace: name, key: utf8('k'), value: utf8('v') }]), 'INVALID_KEYSPACE');
      await expectCode(() => engine.snapshot!().keyspace(name), 'INVALID_KEYSPACE');
      expect(await engine.keyspace('default').iterate().all()).toEqual([]);
    },
  );

  it('accepts a 64-character name', async () => {
    const { engine } = await openTemp();
    const name = 'N'.repeat(64);
    await engine.keyspace(name).put(utf8('k'), utf8('v'));
    expect(text(engine.keyspace(name).getSync!(utf8('k')))).toBe('v');
  });
});
