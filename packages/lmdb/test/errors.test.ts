/** Native failures arrive as TidekvErrors with stable codes. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TidekvError } from '@tidekv/core';
import { openLmdb } from '../src/index.js';
import { toTidekvError } from '../src/errors.js';
import { openTemp, tempDir, b, codeOf } from './helpers.js';

function nativeError(message: string, code?: number | string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('lmdb error mapping', () => {
  it('maps LMDB and errno codes', () => {
    expect(toTidekvError(nativeError('MDB_CORRUPTED', -30796), 'get').code).toBe('CORRUPTION');
    expect(toTidekvError(nativeError('MDB_PANIC', -30795), 'get').code).toBe('CORRUPTION');
    expect(toTidekvError(nativeError('MDB_VERSION_MISMATCH', -30794), 'open').code).toBe('CORRUPTION');
    expect(toTidekvError(nativeError('MDB_INVALID', -30793), 'open').code).toBe('CORRUPTION');
    expect(toTidekvError(nativeError('MDB_DBS_FULL', -30791), 'open').code).toBe('INVALID_KEYSPACE');
    const mapFull = toTidekvError(nativeError('MDB_MAP_FULL', -30792), 'write');
    expect([mapFull.code, mapFull.message]).toEqual(['IO_ERROR', 'lmdb: write failed: MDB_MAP_FULL (the memory map is full)']);
    expect(toTidekvError(nativeError('MDB_READERS_FULL', -30790), 'get').message).toMatch(/maxReaders/);
    expect(toTidekvError(nativeError('No space left on device', 28), 'write').code).toBe('IO_ERROR');
    expect(toTidekvError(nativeError('ENOTDIR', 'ENOTDIR'), 'open').code).toBe('IO_ERROR');
    expect(toTidekvError(nativeError('The database has been closed'), 'write').code).toBe('NOT_OPEN');
    expect(toTidekvError('a string', 'write').code).toBe('IO_ERROR');
    const typed = new TidekvError('INVALID_KEY', 'mine');
    expect(toTidekvError(typed, 'write')).toBe(typed);
    const wrapped = toTidekvError(nativeError('MDB_INVALID', -30793), 'open');
    expect(wrapped.cause).toBeInstanceOf(Error);
    expect(wrapped.details).toEqual({ nativeCode: -30793 });
  });

  // lmdb-js itself crashes the process on these files; the header check turns them into errors.
  it.each([
    ['random bytes', () => randomBytes(64 * 1024)],
    ['one byte', () => Buffer.from('x')],
    ['zeros', () => Buffer.alloc(64 * 1024)],
    ['text', () => Buffer.from('hello world '.repeat(1000))],
  ])('a data file of %s fails CORRUPTION on open', async (_label, content) => {
    const path = tempDir();
    writeFileSync(join(path, 'data.mdb'), content());
    expect(await codeOf(() => openLmdb({ path }))).toBe('CORRUPTION');
  });

  it('a truncated or wrong-version data file fails CORRUPTION; the intact one opens', async () => {
    const path = tempDir();
    const engine = await openLmdb({ path });
    await engine.write(Array.from({ length: 2000 }, (_, i) => ({ type: 'put' as const, key: b(i >> 8, i & 0xff), value: new Uint8Array(100) })));
    await engine.close();
    const file = join(path, 'data.mdb');
    const intact = readFileSync(file);
    const copy = join(tempDir(), 'copy');
    mkdirSync(copy);
    writeFileSync(join(copy, 'data.mdb'), intact.subarray(0, intact.length - 4096));
    const truncated = await openLmdb({ path: copy }).then(
      () => 'opened',
      (error: TidekvError) => `${error.code}: ${error.message}`,
    );
    expect(truncated).toMatch(/^CORRUPTION: .*truncated/);
    const versioned = Buffer.from(intact);
    versioned.writeUInt32LE(1, 24 + 4);
    writeFileSync(join(copy, 'data.mdb'), versioned);
    expect(await codeOf(() => openLmdb({ path: copy }))).toBe('CORRUPTION');
    const reopened = await openLmdb({ path });
    expect((await reopened.keyspace('default').iterate().all()).length).toBe(2000);
    await reopened.close();
  });

  it('more keyspaces than maxKeyspaces fails INVALID_KEYSPACE, and the engine keeps working', async () => {
    const engine = await openTemp({ maxKeyspaces: 2 });
    engine.keyspace('one');
    engine.keyspace('two');
    expect(await codeOf(() => engine.keyspace('three'))).toBe('INVALID_KEYSPACE');
    expect(await codeOf(() => engine.write([{ type: 'put', keyspace: 'four', key: b(1), value: b(1) }]))).toBe('INVALID_KEYSPACE');
    await engine.keyspace('one').put(b(1), b(1));
    expect(await engine.keyspace('one').get(b(1))).toBeDefined();
  });
});
