/** Option validation, the factory, and where the environment lives. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTidekvError } from '@tidekv/core';
import { lmdbEngine, openLmdb, LMDB_CAPABILITIES, LMDB_MAX_KEY_SIZE } from '../src/index.js';
import { openTemp, tempDir, track, b, hex } from './helpers.js';
import { BAD_PATH_OPTIONS } from '../../core/test/fixtures/bad-path-options.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTidekvError(error, code as never), `expected ${code}, got ${String(error)}`).toBe(true);
}

describe('lmdb options', () => {
  it.each([
    ...BAD_PATH_OPTIONS,
    ['an unknown option', { path: '/tmp/never-created-tidekv', sync: true }],
    ['maxKeyspaces 0', { path: '/tmp/never-created-tidekv', maxKeyspaces: 0 }],
    ['maxKeyspaces 1.5', { path: '/tmp/never-created-tidekv', maxKeyspaces: 1.5 }],
    ['maxKeyspaces as a string', { path: '/tmp/never-created-tidekv', maxKeyspaces: '8' }],
    ['maxKeyspaces too large', { path: '/tmp/never-created-tidekv', maxKeyspaces: 10_001 }],
    ['maxReaders -1', { path: '/tmp/never-created-tidekv', maxReaders: -1 }],
    ['maxReaders NaN', { path: '/tmp/never-created-tidekv', maxReaders: Number.NaN }],
    ['an unknown durability', { path: '/tmp/never-created-tidekv', durability: 'sometimes' }],
    ['durability as a boolean', { path: '/tmp/never-created-tidekv', durability: true }],
  ])('rejects %s with INVALID_OPTION and creates nothing', async (_label, options) => {
    await expectCode(openLmdb(options as never), 'INVALID_OPTION');
    await expectCode(lmdbEngine.open(options as never), 'INVALID_OPTION');
    expect(existsSync('/tmp/never-created-tidekv')).toBe(false);
  });

  it('accepts valid numeric options', async () => {
    const engine = await openTemp({ maxKeyspaces: 3, maxReaders: 200 });
    await engine.keyspace('a').put(b(1), b(1));
    expect(hex((await engine.keyspace('a').get(b(1)))!)).toBe('01');
  });

  it.each(['commit', 'flush'] as const)("durability '%s' writes, flushes and reopens", async (durability) => {
    const path = tempDir();
    const engine = await openLmdb({ path, durability });
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(1));
    await engine.write([{ type: 'put', key: b(2), value: b(2) }], { sync: true });
    await ks.put(b(3), b(3), { sync: true });
    await engine.flush();
    await engine.close();
    const again = track(await openLmdb({ path, durability }));
    expect((await again.keyspace('default').iterate().all()).map(([k]) => hex(k))).toEqual(['01', '02', '03']);
  });

  it('refuses to open an environment this process holds in the other durability mode', async () => {
    const path = tempDir();
    track(await openLmdb({ path }));
    await expectCode(openLmdb({ path, durability: 'flush' }), 'INVALID_OPTION');
    const other = tempDir();
    track(await openLmdb({ path: other, durability: 'flush' }));
    await expectCode(openLmdb({ path: other, durability: 'commit' }), 'INVALID_OPTION');
    track(await openLmdb({ path: other, durability: 'flush' })); // the same mode is fine
  });

  it('treats the path as a directory, even when its name has a dot, and creates it', async () => {
    const path = join(tempDir(), 'nested', 'data.lmdb');
    const engine = track(await openLmdb({ path }));
    await engine.keyspace('default').put(b(1), b(2));
    expect(existsSync(join(path, 'data.mdb'))).toBe(true);
  });

  it('exports a factory with static capabilities', async () => {
    expect(lmdbEngine.name).toBe('lmdb');
    const before = structuredClone(lmdbEngine.capabilities);
    expect(before).toEqual({
      persistent: true,
      syncReads: true,
      snapshots: true,
      maxKeySize: LMDB_MAX_KEY_SIZE,
      maxValueSize: 0x7ffe_0000,
    });
    expect(LMDB_MAX_KEY_SIZE).toBe(1977);
    const engine = track(await lmdbEngine.open({ path: tempDir() }));
    expect(engine.capabilities).toEqual(before);
    await engine.close();
    expect(engine.capabilities).toEqual(LMDB_CAPABILITIES);
  });

  it('fails INVALID_OPTION when the path is an existing file or lies below one (one code on every adapter)', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    await expectCode(openLmdb({ path: file }), 'INVALID_OPTION');
    await expectCode(openLmdb({ path: join(file, 'below') }), 'INVALID_OPTION');
  });
});
