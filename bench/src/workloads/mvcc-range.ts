/** mvcc-range: single-key ranges at the current revision, one at a time (raw: point gets). */
import { makeKey, valueTag } from '../keys.js';
import { Random } from '../random.js';
import { expectEqual } from '../validation.js';
import { expectedTagSum, inReadPhase, timedReads } from './common.js';
import { closeMvcc, loadMvcc, openMvcc } from './mvcc-common.js';
import { SampledTimer } from '../stats/sampled-timer.js';
import { READ_SAMPLE_EVERY } from './common.js';
import { nonDurable, type EngineWorkload } from './workload.js';

export const mvccRange: EngineWorkload = {
  name: 'mvcc-range',
  kind: 'engine',
  summary: 'n single-key ranges at the current revision of uniformly random existing keys (raw: point gets)',
  scale: (n) => n,
  durable: false,
  // Reads: how the store was written does not matter, so the ratio to raw gets reported.
  durability: nonDurable,
  async prepare(driver, { n, valueSize, seed }) {
    const store = await openMvcc(driver);
    await loadMvcc(store, driver, n, valueSize);
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
          const { kvs } = await store.range(key);
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
          expectEqual('value checksum', tagSum, expectedTagSum(ids, 0, valueSize));
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
};
