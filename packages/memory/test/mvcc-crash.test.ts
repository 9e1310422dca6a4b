// kill -9 of a process running concurrent MVCC txns on memory + WAL (a durable in-memory
// store). Runs the built dist: `pnpm build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runMvccCrash } from '../../core/test/fixtures/mvcc-crash.js';
import { propertySeed } from '../../core/test/seed.js';
import { openMemory } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tidekv-memory-mvcc-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MvccStore on memory + WAL under kill -9', () => {
  it('keeps every acknowledged txn, applies nothing by half, never goes back in revision (6 kills)', async () => {
    const path = join(dir, 'engine');
    const result = await runMvccCrash({
      engineModule: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
      factory: 'openMemory',
      engineOptions: { path },
      walDir: join(dir, 'wal'),
      openEngine: () => openMemory({ path }),
      kills: 6,
      seed: propertySeed('memory mvcc crash'),
    });
    expect(result.acknowledged).toBeGreaterThan(50);
  }, 120_000);
});
