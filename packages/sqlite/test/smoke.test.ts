import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '@tidekv/sqlite';

const b = (s: string) => Buffer.from(s);
let dir: string;
afterEach(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe('smoke', () => {
  it('basic', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidekv-sqlite-'));
    const db = await openSqlite({ path: dir });
    const ks = db.keyspace('default');
    await ks.put(b('a'), b('1'));
    await ks.put(new Uint8Array(0), b('empty'));
    expect(ks.getSync(b('a'))).toEqual(b('1'));
    expect(await ks.get(b('zz'))).toBeUndefined();
    const snap = db.snapshot!();
    await ks.put(b('b'), b('2'));
    expect(await db.keyspace('default').iterate().all()).toHaveLength(3);
    expect(await snap.keyspace('default').iterate().all()).toHaveLength(2);
    expect([...ks.iterateSync({ reverse: true })].map(([k]) => k.toString())).toEqual(['b', 'a', '']);
    await db.write([{ type: 'put', keyspace: 'Other', key: b('x'), value: b('y') }, { type: 'delRange', range: { gte: b('a') } }], { sync: true });
    expect(await ks.iterate().all()).toHaveLength(1);
    expect(snap.keyspace('Other').getSync(b('x'))).toBeUndefined();
    expect(db.keyspace('other').getSync(b('x'))).toBeUndefined();
    expect(db.keyspace('Other').getSync(b('x'))).toEqual(b('y'));
    await expect(openSqlite({ path: dir })).rejects.toMatchObject({ code: 'LOCKED' });
    await db.flush();
    await db.close();
    const again = await openSqlite({ path: dir });
    expect(again.keyspace('Other').getSync(b('x'))).toEqual(b('y'));
    await again.close();
  });
});
