/**
 * mvcc-range: single-key ranges at the current revision, one at a time. mvcc-range-history:
 * the same at an old revision: every key was written twice and the reads ask for the first
 * version. Raw: point gets (of the only version it keeps).
 */
import { makeKey, valueTag } from '../keys.js';
import { SampledTimer } from '../stats/sampled-timer.js';
import { expectEqual } from '../validation.js';
import { READ_SAMPLE_EVERY, expectedTagSum, inReadPhase, randomIds, timedReads } from './common.js';
import { closeMvcc, loadMvcc, openMvcc } from './mvcc-common.js';
import { engineWorkload, nonDurable, scaled, type EngineWorkload } from './workload.js';

function pointRanges(name: string, summary: string, history: boolean): EngineWorkload {
  return engineWorkload({
    name,
    summary,
    // A quarter of --n: loading the store through MVCC txns costs more than the reads, and
    // 25k reads already give a stable rate.
    scale: scaled(4),
    // Reads: how the store was written does not matter, so the ratio to raw gets reported.
    durability: nonDurable,
    async prepare(driver, { n, valueSize, seed }) {
      const store = await openMvcc(driver);
      await loadMvcc(store, driver, n, valueSize, 0);
      // No options at the current revision: the store's common single-key read.
      const options = history ? { revision: store?.revision ?? 0 } : undefined;
      // The raw side writes version 0 again: what it reads must be what the old revision holds.
      if (history) await loadMvcc(store, driver, n, valueSize, store ? 1 : 0);
      const ids = randomIds(seed, n, n);
      const keys = Array.from(ids, makeKey);
      let found = 0;
      let tagSum = 0;
      return {
        ops: n,
        bytes: n * (keys[0]!.length + valueSize),
        run: async (latency) => {
          if (!store) {
            ({ found, tagSum } = await inReadPhase(driver, () => timedReads(driver, keys, latency)));
            return;
          }
          const timer = new SampledTimer(latency, READ_SAMPLE_EVERY);
          for (const key of keys) {
            const sampled = timer.begin();
            const { kvs } = await store.range(key, options);
            if (sampled) timer.end();
            if (kvs.length === 1) {
              found++;
              tagSum = (tagSum + valueTag(kvs[0]!.value)) | 0;
            }
          }
        },
        validate: async () => {
          try {
            expectEqual('keys found', found, n);
            // Version 0 of every key, at the current revision or the old one.
            expectEqual('value checksum', tagSum, expectedTagSum(ids, 0, valueSize));
          } finally {
            await closeMvcc(store);
          }
        },
      };
    },
  });
}

export const mvccRange = pointRanges(
  'mvcc-range',
  'n/4 single-key ranges at the current revision of uniformly random keys of an n/4-key store (raw: point gets)',
  false,
);

export const mvccRangeHistory = pointRanges(
  'mvcc-range-history',
  'n/4 single-key ranges at an old revision of an n/4-key store (each key overwritten since); raw: point gets',
  true,
);
