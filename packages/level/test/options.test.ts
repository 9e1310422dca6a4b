import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTidekvError } from '@tidekv/core';
import { LEVEL_CAPABILITIES, levelEngine, openLevel } from '@tidekv/level';
import { bytes, tempDir, text } from './temp-dir.js';
import { BAD_PATH_OPTIONS } from '../../core/test/fixtures/bad-path-options.js';

async function openFails(options: unknown, code: string): Promise<void> {
  const error = await openLevel(options as never).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTidekvError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
}

describe('openLevel options', () => {
  it.each(BAD_PATH_OPTIONS)('rejects %s with INVALID_OPTION', async (_, options) => {
    await openFails(options, 'INVALID_OPTION');
  });

  it.each([
    ['an unknown option', { bogus: 1 }],
    ['a misspelt option', { cachesize: 1024 }],
    ['a non-boolean createIfMissing', { createIfMissing: 'yes' }],
    ['a non-boolean compression', { compression: 1 }],
    ['a fractional cacheSize', { cacheSize: 1.5 }],
    ['a negative cacheSize', { cacheSize: -1 }],
    ['a cacheSize over 2^32 - 1', { cacheSize: 2 ** 32 }],
    ['a string writeBufferSize', { writeBufferSize: '4MB' }],
    ['a writeBufferSize under 64 KiB', { writeBufferSize: 65535 }],
    ['a writeBufferSize over 1 GiB', { writeBufferSize: 2 ** 30 + 1 }],
    ['a blockSize under 1 KiB', { blockSize: 1023 }],
    ['a blockSize over 4 MiB', { blockSize: 4 * 2 ** 20 + 1 }],
    ['a maxOpenFiles under 74', { maxOpenFiles: 73 }],
    ['a maxOpenFiles over 50000', { maxOpenFiles: 50001 }],
    ['a NaN maxFileSize', { maxFileSize: Number.NaN }],
    ['a maxFileSize under 1 MiB', { maxFileSize: 2 ** 20 - 1 }],
  ])('rejects %s with INVALID_OPTION', async (_, extra) => {
    await openFails({ path: tempDir(), ...extra }, 'INVALID_OPTION');
  });

  it('accepts every option at its bounds and opens a working engine', async () => {
    const engine = await openLevel({
      path: tempDir(),
      createIfMissing: true,
      compression: false,
      cacheSize: 0,
      writeBufferSize: 64 * 1024,
      blockSize: 4 * 1024 * 1024,
      maxOpenFiles: 74,
      maxFileSize: 1024 * 1024 * 1024,
    });
    await engine.keyspace('default').put(bytes('k'), bytes('v'));
    expect(text(await engine.keyspace('default').get(bytes('k')))).toBe('v');
    await engine.close();
  });

  it('creates missing parent directories', async () => {
    const engine = await openLevel({ path: join(tempDir(), 'a', 'b', 'c') });
    await engine.close();
  });

  it('fails IO_ERROR when createIfMissing is false and there is no database', async () => {
    await openFails({ path: join(tempDir(), 'missing'), createIfMissing: false }, 'IO_ERROR');
  });

  it('with createIfMissing false, a refused open leaves nothing behind (no directory, no LOCK or LOG)', async () => {
    const missing = join(tempDir(), 'missing');
    await openFails({ path: missing, createIfMissing: false }, 'IO_ERROR');
    expect(existsSync(missing)).toBe(false);
    const empty = tempDir();
    await openFails({ path: empty, createIfMissing: false }, 'IO_ERROR');
    expect(readdirSync(empty)).toEqual([]);
  });

  it('opens an existing database with createIfMissing false', async () => {
    const path = tempDir();
    const first = await openLevel({ path });
    await first.keyspace('default').put(bytes('k'), bytes('v'));
    await first.close();
    const again = await openLevel({ path, createIfMissing: false });
    expect(text(await again.keyspace('default').get(bytes('k')))).toBe('v');
    await again.close();
  });

  it('fails INVALID_OPTION when the path is a file (one code on every adapter)', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'not a database');
    await openFails({ path: file }, 'INVALID_OPTION');
  });
});

describe('levelEngine factory', () => {
  it('is named level and declares the same capabilities as an open engine', async () => {
    expect(levelEngine.name).toBe('level');
    expect(levelEngine.capabilities).toEqual(LEVEL_CAPABILITIES);
    const engine = await levelEngine.open({ path: tempDir() });
    expect(engine.capabilities).toEqual(levelEngine.capabilities);
    await engine.close();
    expect(engine.capabilities).toEqual(levelEngine.capabilities);
  });

  it('declares what it offers: persistent, snapshots, no iterateSync, 64 KiB stored keys', () => {
    expect(LEVEL_CAPABILITIES).toEqual({
      persistent: true,
      syncReads: false,
      snapshots: true,
      maxKeySize: 65534,
      maxValueSize: 32 * 1024 * 1024,
    });
    expect(Object.isFrozen(LEVEL_CAPABILITIES)).toBe(true);
  });
});
