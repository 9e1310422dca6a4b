/**
 * LevelDB failures surface as TidekvErrors with stable codes: real corrupted files, not mocks.
 */
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLevel } from '@tidekv/level';
import { bytes, tempDir } from './temp-dir.js';

const key = (i: number) => bytes('k' + String(i).padStart(6, '0'));

/** A database whose data sits in several table files (a small write buffer forces that). */
async function databaseWithTables(path: string): Promise<void> {
  const engine = await openLevel({ path, writeBufferSize: 64 * 1024, compression: false });
  const ks = engine.keyspace('default');
  for (let i = 0; i < 2000; i += 100) {
    await engine.write(Array.from({ length: 100 }, (_, j) => ({ type: 'put' as const, key: key(i + j), value: new Uint8Array(100).fill(j) })));
  }
  await engine.flush();
  await engine.close();
  expect(readdirSync(path).filter((f) => f.endsWith('.ldb')).length).toBeGreaterThan(1);
}

function damage(file: string): void {
  const data = readFileSync(file);
  for (let i = 64; i < data.length - 64; i += 32) data[i]! ^= 0xff;
  writeFileSync(file, data);
}

describe('error mapping', () => {
  it('maps a damaged table file to CORRUPTION on get and on iteration', async () => {
    const path = tempDir();
    await databaseWithTables(path);
    const tables = readdirSync(path).filter((f) => f.endsWith('.ldb')).sort();
    damage(join(path, tables.at(-1)!)); // the newest table holds the last keys written
    const engine = await openLevel({ path });
    const ks = engine.keyspace('default');
    expect(() => ks.getSync!(key(1999))).toThrow(expect.objectContaining({ name: 'TidekvError', code: 'CORRUPTION' }));
    await expect(ks.get(key(1999))).rejects.toMatchObject({ code: 'CORRUPTION' });
    await expect(ks.iterate().all()).rejects.toMatchObject({ code: 'CORRUPTION' });
    await engine.close();
  });

  it('maps a damaged CURRENT file to CORRUPTION on open', async () => {
    const path = tempDir();
    await databaseWithTables(path);
    writeFileSync(join(path, 'CURRENT'), 'garbage');
    const error = await openLevel({ path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TidekvError', code: 'CORRUPTION', details: { path } });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('refuses a database whose CURRENT file is gone (LevelDB would start an empty one and delete the tables), with or without createIfMissing', async () => {
    for (const createIfMissing of [true, false]) {
      const path = tempDir();
      await databaseWithTables(path);
      rmSync(join(path, 'CURRENT'));
      const before = readdirSync(path).sort();
      const error = await openLevel({ path, createIfMissing }).catch((e: unknown) => e);
      expect({ createIfMissing, code: (error as { code?: string }).code }).toEqual({ createIfMissing, code: 'CORRUPTION' });
      expect((error as Error).message).toMatch(/no CURRENT file/);
      // Nothing was created or removed: the tables are still there for recovery.
      expect(readdirSync(path).sort()).toEqual(before);
    }
  });

  it('maps damage LevelDB reports as an I/O error (a truncated table, a missing or misnamed MANIFEST) to CORRUPTION on open', async () => {
    const damages: [string, (path: string) => void][] = [
      ['a table truncated to half', (path) => {
        const table = join(path, readdirSync(path).filter((f) => f.endsWith('.ldb')).sort()[0]!);
        truncateSync(table, Math.floor(statSync(table).size / 2));
      }],
      ['the MANIFEST deleted', (path) => {
        for (const f of readdirSync(path)) if (f.startsWith('MANIFEST-')) rmSync(join(path, f));
      }],
      ['CURRENT naming a MANIFEST that does not exist', (path) => writeFileSync(join(path, 'CURRENT'), 'MANIFEST-999999\n')],
    ];
    for (const [what, apply] of damages) {
      const path = tempDir();
      await databaseWithTables(path);
      apply(path);
      const error = await openLevel({ path }).then(
        async (engine) => {
          // Opened anyway: the damage must show on the first full read.
          try {
            await engine.keyspace('default').iterate().all();
            return undefined;
          } catch (caught) {
            return caught;
          } finally {
            await engine.close().catch(() => undefined);
          }
        },
        (caught: unknown) => caught,
      );
      expect({ what, code: (error as { code?: string } | undefined)?.code }).toEqual({ what, code: 'CORRUPTION' });
    }
  });
});
