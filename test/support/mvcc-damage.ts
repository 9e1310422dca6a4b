// One case for every backend whose files verify nothing on reads: a flipped byte in a stored
// value must surface as CORRUPTION naming the revision, never as a wrong value.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// A relative import: the repository root does not depend on the packages by name.
import { MvccStore, type StorageEngine } from '../../packages/core/src/index.js';

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

export function describeMvccDamage(title: string, open: (path: string) => Promise<StorageEngine>): void {
  const dir = mkdtempSync(join(tmpdir(), 'tidekv-mvcc-damage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe(title, () => {
    it('a flipped byte in a stored value fails CORRUPTION with the key and revision', async () => {
      const path = join(dir, 'engine');
      const store = await MvccStore.open({ engine: await open(path), wal: false });
      await store.put('a', 'plain value');
      await store.put('victim', 'VALUE-TO-DAMAGE-0123456789');
      await store.put('z', 'another');
      await store.close();
      expect(flipInFiles(path, 'VALUE-TO-DAMAGE')).toBeGreaterThan(0);
      const error = await MvccStore.open({ engine: await open(path), wal: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'CORRUPTION', details: { revision: 3, sub: 0 } });
      expect(String(error)).toMatch(/revision 3/);
    });
  });
}
