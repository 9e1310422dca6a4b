/**
 * mvcc-reopen: the time to open an MvccStore holding n records (written in txns of 100):
 * WAL replay, checksum of every record, key index rebuilt. One operation per record. Raw:
 * one full scan of the same n entries, the least a plain store needs to rebuild an index.
 */
import { KEY_SIZE } from '../keys.js';
import { expectEqual } from '../validation.js';
import { scan } from './common.js';
import { closeMvcc, loadMvcc, openMvcc } from './mvcc-common.js';
import { MvccStore, type KV } from '@tidekv/core';
import { engineWorkload } from './workload.js';

export const mvccReopen = engineWorkload({
  name: 'mvcc-reopen',
  summary: 'open an MvccStore holding n records (replay, verify, rebuild the key index); raw: one full scan',
  scale: (n) => n,
  defaultRuns: 3,
  async prepare(driver, { n, valueSize }) {
    const first = await openMvcc(driver);
    await loadMvcc(first, driver, n, valueSize);
    const revision = first?.revision ?? 0;
    await closeMvcc(first);
    let reopened: KV | undefined;
    let entries = 0;
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: async (latency) => {
        const start = performance.now();
        if (driver.mvcc) {
          reopened = await MvccStore.open({ engine: await driver.mvcc.reopen(), wal: { dir: driver.mvcc.walDir } });
        } else {
          entries = (await scan(driver, {}, 0, 1)).count;
        }
        latency.record(((performance.now() - start) * 1000) / n, n);
      },
      validate: async () => {
        if (!reopened) return expectEqual('entries scanned', entries, n);
        try {
          expectEqual('revision after reopen', reopened.revision, revision);
          expectEqual('keys after reopen', (await reopened.range('\0', { end: '\0', countOnly: true })).count, n);
        } finally {
          await reopened.close();
        }
      },
    };
  },
});
