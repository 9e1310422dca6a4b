/**
 * describeMvcc: registers the MVCC conformance suite for one implementation of the KV
 * interface with vitest. Cases a store cannot run (no reopen, its own hash) are registered
 * and visibly skipped with the reason, never silently left out.
 */
import { join } from 'node:path';
import { MvccStore, type StorageEngine } from '@tidekv/core';
import { describe, it } from 'vitest';
import { mvccCases } from './mvcc-cases/index.js';
import { compactionOptions, type DescribeMvccOptions } from './mvcc-options.js';
import { runMvccCase } from './run-mvcc-case.js';
import { resolveMvccOptions } from './validate-mvcc-options.js';

export function describeMvcc(options: DescribeMvccOptions): void {
  const resolved = resolveMvccOptions(options);
  describe(`tidekv MVCC conformance: ${resolved.name}`, () => {
    const cases = mvccCases();
    for (const group of [...new Set(cases.map((c) => c.group))]) {
      describe(group, () => {
        for (const testCase of cases.filter((c) => c.group === group)) {
          const reason = testCase.skip?.(resolved) || false;
          const title = reason ? `${testCase.name} (skipped: ${reason})` : testCase.name;
          it.skipIf(reason !== false)(title, () => runMvccCase(testCase, resolved), testCase.timeout);
        }
      });
    }
  });
}

/**
 * The MVCC suite for core's MvccStore over a persistent engine, in both ways a commit can be
 * made durable: without a WAL every commit is a synced engine write; with one, commits are
 * durable through the log and engine writes unsynced, flushed at checkpoints. `openEngine`
 * opens the engine at `path` (a directory inside the test's, not yet created); reopen and
 * full-disk cases run on both, and the store takes the small-batch cases' compaction batches.
 */
export function describeMvccStoreOn(name: string, openEngine: (path: string) => Promise<StorageEngine>): void {
  describeMvcc({
    name: `MvccStore on ${name} (no WAL)`,
    open: async (location) => MvccStore.open({ engine: await openEngine(join(location.dir, 'engine')), wal: false, ...compactionOptions(location) }),
    reopen: true,
    fullDisk: true,
  });
  describeMvcc({
    name: `MvccStore on ${name} + WAL`,
    open: async (location) =>
      MvccStore.open({ engine: await openEngine(join(location.dir, 'engine')), wal: { dir: join(location.dir, 'wal') }, ...compactionOptions(location) }),
    reopen: true,
    fullDisk: true,
  });
}
