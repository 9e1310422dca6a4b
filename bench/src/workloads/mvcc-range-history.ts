/**
 * mvcc-range-history: single-key ranges at an old revision: every key was written twice and
 * the reads ask for the first version (raw: point gets of the only version it keeps).
 */
import { makeKey, valueTag } from '../keys.js';
import { Random } from '../random.js';
import { SampledTimer } from '../stats/sampled-timer.js';
import { expectEqual } from '../validation.js';
import { READ_SAMPLE_EVERY, expectedTagSum, inReadPhase, timedReads } from './common.js';
import { closeMvcc, loadMvcc, openMvcc } from './mvcc-common.js';
import { nonDurable, type EngineWorkload } from './workload.js';

export const mvccRangeHistory: EngineWorkload = {
  name: 'mvcc-range-history',
  kind: 'engine',
  summary: 'n single-key ranges at an old revision (each key overwritten since); raw: point gets',
  scale: (n) => n,
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize, seed }) {
    const store = await openMvcc(driver);
    await loadMvcc(store, driver, n, valueSize, 0);
    const old = store?.revision ?? 0;
    await loadMvcc(store, driver, n, valueSize, store ? 1 : 0);
    const random = new Random(seed);
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = random.nextInt(n);
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
          const { kvs } = await store.range(key, { revision: old });
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
          // The old revision holds version 0 of every key.
          expectEqual('value checksum', tagSum, expectedTagSum(ids, 0, valueSize));
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
};
