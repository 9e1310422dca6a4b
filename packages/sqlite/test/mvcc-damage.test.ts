// A flipped byte in SQLite's own file (SQLite verifies nothing on reads) must surface as
// CORRUPTION naming the revision, never as a wrong value.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MvccStore } from '@tidekv/core';
import { openSqlite } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tidekv-sqlite-mvcc-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Flips one bit in every copy of `marker` in the files of `path` (old page copies too); returns how many. */
function flipInFiles(path: string, marker: string): number {
  let flipped = 0;
  for (const name of readdirSync(path)) {
    const file = join(path, name);
    const bytes = readFileSync(file);
    for (let at = bytes.indexOf(marker, 0, 'latin1'); at >= 0; at = bytes.indexOf(marker, at + 1, 'latin1')) {
      bytes[at + 3]! ^= 0x01;
      flipped++;
    }
    if (flipped > 0) writeFileSync(file, bytes);
  }
  return flipped;
}

describe('MvccStore on sqlite: damage in the database file', () => {
  it('a flipped byte in a stored value fails CORRUPTION with the key and revision', async () => {
    const path = join(dir, 'engine');
    const store = await MvccStore.open({ engine: await openSqlite({ path }), wal: false });
    await store.put('a', 'plain value');
    await store.put('victim', 'VALUE-TO-DAMAGE-0123456789');
    await store.put('z', 'another');
    await store.close();
    expect(flipInFiles(path, 'VALUE-TO-DAMAGE')).toBeGreaterThan(0);
    const error = await MvccStore.open({ engine: await openSqlite({ path }), wal: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CORRUPTION', details: { revision: 3, sub: 0 } });
    expect(String(error)).toMatch(/revision 3/);
  });
});
