import { describe, expect, it } from 'vitest';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, SNAPSHOT_FILE, openMemory } from '../src/index.js';
import { decodeSnapshot, HEADER_SIZE } from '../src/persist/snapshot-format.js';
import { b, expectCode, tempDir, text } from './helpers.js';

const snapshotOf = (dir: string) => join(dir, SNAPSHOT_FILE);
/** The keys of the default keyspace in the snapshot file on disk, as hex. */
const keysOnDisk = async (dir: string) => {
  const entries = decodeSnapshot(await readFile(snapshotOf(dir)), 'f').get('default');
  if (entries === undefined) return [];
  const { bytes, offsets } = entries;
  return offsets.map((at) => bytes.toString('hex', at + 8, at + 8 + bytes.readUInt32LE(at)));
};

describe('what is persisted, and when', () => {
  it('writes nothing until flush, sync or close: plain writes live only in memory', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    await engine.keyspace('default').put(b(1), b(1));
    expect(existsSync(snapshotOf(dir))).toBe(false);
    await engine.flush();
    expect(await keysOnDisk(dir)).toEqual(['01']);
    await engine.keyspace('default').put(b(2), b(2));
    // not yet flushed: the file still has only the first entry
    expect(await keysOnDisk(dir)).toEqual(['01']);
    await engine.close();
    expect(await keysOnDisk(dir)).toEqual(['01', '02']);
  });

  it('a sync write is on disk when it resolves, for put, del, clear and write', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(1), { sync: true });
    expect(await keysOnDisk(dir)).toEqual(['01']);
    await engine.write([{ type: 'put', key: b(2), value: b(2) }], { sync: true });
    expect(await keysOnDisk(dir)).toEqual(['01', '02']);
    await ks.del(b(1), { sync: true });
    expect(await keysOnDisk(dir)).toEqual(['02']);
    await ks.clear(undefined, { sync: true });
    expect(await keysOnDisk(dir)).toEqual([]);
    await engine.close();
  });

  it('skips the file write when nothing changed since the last flush', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    await engine.keyspace('default').put(b(1), b(1));
    await engine.flush();
    const first = await stat(snapshotOf(dir));
    await engine.flush();
    await engine.keyspace('default').get(b(1)); // reads change nothing
    await engine.flush();
    expect((await stat(snapshotOf(dir))).ino).toBe(first.ino); // every real write renames a new file in
    await engine.keyspace('default').put(b(2), b(2));
    await engine.flush();
    expect((await stat(snapshotOf(dir))).ino).not.toBe(first.ino);
    await engine.close();
  });

  it('concurrent flushes and sync writes all resolve with everything acknowledged on disk', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    const ks = engine.keyspace('default');
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? engine.flush() : ks.put(b(i), b(i), { sync: true }))));
    await engine.flush();
    expect((await keysOnDisk(dir)).length).toBe(40);
    await engine.close();
  });

  it('round-trips every keyspace, binary and empty keys and values, and large values through reopen', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    const large = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 7);
    await engine.write([
      { type: 'put', key: b(), value: b() },
      { type: 'put', key: b(0, 0xff), value: large },
      { type: 'put', keyspace: 'other_ks-2', key: text('k'), value: text('v') },
    ]);
    engine.keyspace('empty-one'); // an empty keyspace is not written, and reads as empty after reopen
    await engine.close();
    const again = await openMemory({ path: dir });
    expect(await again.keyspace('default').get(b())).toEqual(b());
    // Buffer.equals: a deep toEqual over 3 MiB element by element is needlessly slow
    expect(Buffer.from((await again.keyspace('default').get(b(0, 0xff)))!).equals(large)).toBe(true);
    expect(await again.keyspace('other_ks-2').get(text('k'))).toEqual(text('v'));
    expect(await again.keyspace('empty-one').iterate().all()).toEqual([]);
    await again.close();
  });

  it('loads a 100k-entry snapshot into a tree that keeps working', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    const key = (i: number) => text(String(i).padStart(16, '0'));
    for (let i = 0; i < 100_000; i += 1000) {
      await engine.write(Array.from({ length: 1000 }, (_, j) => ({ type: 'put' as const, key: key(i + j), value: new Uint8Array(100).fill(j & 0xff) })));
    }
    await engine.close();
    const again = await openMemory({ path: dir });
    const ks = again.keyspace('default');
    expect(ks.getSync!(key(54_321))).toEqual(new Uint8Array(100).fill(321 & 0xff));
    let count = 0;
    for (const _ of ks.iterateSync!()) count++;
    expect(count).toBe(100_000);
    for (let i = 0; i < 100_000; i += 3) await ks.del(key(i));
    expect([...ks.iterateSync!({ limit: 3 })].map(([k]) => new TextDecoder().decode(k))).toEqual([
      '0000000000000001',
      '0000000000000002',
      '0000000000000004',
    ]);
    await again.close();
  });

  it('removes a temp file left by a crash during a flush and loads the intact snapshot', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    await engine.keyspace('default').put(b(1), b(1));
    await engine.close();
    await writeFile(`${snapshotOf(dir)}.tmp`, 'half a snapshot');
    const again = await openMemory({ path: dir });
    expect(existsSync(`${snapshotOf(dir)}.tmp`)).toBe(false);
    expect(await again.keyspace('default').get(b(1))).toEqual(b(1));
    await again.close();
  });

  it('fails flush and close with IO_ERROR when the directory is gone, and still closes', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    await engine.keyspace('default').put(b(1), b(1));
    await rm(dir, { recursive: true });
    await expectCode(() => engine.flush(), 'IO_ERROR');
    await expectCode(() => engine.close(), 'IO_ERROR');
    await expectCode(() => engine.keyspace('default').get(b(1)), 'NOT_OPEN');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('flush on a closed engine fails NOT_OPEN; flush on an ephemeral engine does nothing', async () => {
    const ephemeral = await openMemory();
    await ephemeral.keyspace('default').put(b(1), b(1), { sync: true });
    await ephemeral.flush();
    await ephemeral.close();
    await expectCode(() => ephemeral.flush(), 'NOT_OPEN');
  });

  it('writes the documented header: magic, version, keyspace count, payload length and checksums', async () => {
    const dir = await tempDir();
    const engine = await openMemory({ path: dir });
    await engine.keyspace('ks').put(b(7), b(8, 9));
    await engine.close();
    const bytes = await readFile(snapshotOf(dir));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('TIDEKVMS');
    expect(bytes.readUInt32LE(8)).toBe(1);
    expect(bytes.readUInt32LE(12)).toBe(1);
    expect(Number(bytes.readBigUInt64LE(16))).toBe(bytes.length - HEADER_SIZE);
    // payload: name length, name, count, then key length, value length, key, value
    expect([...bytes.subarray(HEADER_SIZE)]).toEqual([2, 0x6b, 0x73, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 7, 8, 9]);
  });
});
