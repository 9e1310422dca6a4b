import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQLITE_CAPABILITIES, openSqlite, sqliteEngine } from '@tidekv/sqlite';
import { expectCode, open, tempDir, utf8 } from './helpers.js';
import { BAD_PATH_OPTIONS } from '../../core/test/fixtures/bad-path-options.js';

describe('options', () => {
  it.each([
    ...BAD_PATH_OPTIONS,
    ['an array holding a path', ['/tmp/x']],
    ['a URL path', { path: new URL('file:///tmp/x') }],
  ])('rejects %s with INVALID_OPTION', async (_label, options) => {
    await expectCode(() => openSqlite(options as never), 'INVALID_OPTION');
  });

  it('rejects unknown options (typos are not silently ignored)', async () => {
    const dir = await tempDir();
    await expectCode(() => openSqlite({ path: dir, syncWrites: true } as never), 'INVALID_OPTION');
  });

  it('rejects a path that is a file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plain-file');
    await writeFile(file, 'not a directory');
    await expectCode(() => openSqlite({ path: file }), 'INVALID_OPTION');
    await expectCode(() => openSqlite({ path: join(file, 'below') }), 'INVALID_OPTION');
  });

  it('creates missing directories and keeps its files inside', async () => {
    const dir = await tempDir();
    const nested = join(dir, 'a', 'b');
    const engine = await open(nested);
    await engine.keyspace('default').put(utf8('k'), utf8('v'));
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(nested)).sort()).toEqual(expect.arrayContaining(['tidekv.lock', 'tidekv.sqlite']));
  });

  it('resolves a relative path against the working directory', async () => {
    const dir = await tempDir();
    const engine = await open(relative(process.cwd(), join(dir, 'rel')));
    await engine.keyspace('default').put(utf8('k'), utf8('v'));
    await engine.close();
    const again = await open(join(dir, 'rel'));
    expect(again.keyspace('default').getSync!(utf8('k'))).toEqual(utf8('v'));
  });

  it('reports a directory the OS cannot create as IO_ERROR', async () => {
    const dir = await tempDir();
    await expectCode(() => openSqlite({ path: join(dir, 'x'.repeat(300)) }), 'IO_ERROR'); // ENAMETOOLONG
  });

  it('reports an unusable database file as IO_ERROR', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'tidekv.sqlite')); // a directory where the database file goes
    await expectCode(() => openSqlite({ path: dir }), 'IO_ERROR');
  });
});

describe('factory', () => {
  it('is named sqlite and opens engines with the same static capabilities', async () => {
    expect(sqliteEngine.name).toBe('sqlite');
    expect(sqliteEngine.capabilities).toEqual(SQLITE_CAPABILITIES);
    expect(Object.isFrozen(sqliteEngine.capabilities)).toBe(true);
    const engine = await sqliteEngine.open({ path: await tempDir() });
    expect(engine.capabilities).toEqual(SQLITE_CAPABILITIES);
    await engine.close();
    expect(engine.capabilities).toEqual(SQLITE_CAPABILITIES);
    expect(SQLITE_CAPABILITIES).toEqual({ persistent: true, syncReads: true, snapshots: true, maxKeySize: 1024 * 1024, maxValueSize: 256 * 1024 * 1024 });
  });
});
