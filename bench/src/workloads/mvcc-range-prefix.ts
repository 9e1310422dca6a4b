/** mvcc-range-prefix: 100-key prefix ranges at the current revision (raw: a 100-entry scan). */
import { KEY_SIZE, makeKey, valueTag } from '../keys.js';
import { Random } from '../random.js';
import { expectEqual } from '../validation.js';
import { ascendingIds, expectedTagSum, scan } from './common.js';
import { closeMvcc, loadMvcc, openMvcc } from './mvcc-common.js';
import { engineWorkload, scaled } from './workload.js';

const WIDTH = 100;

export const mvccRangePrefix = engineWorkload({
  name: 'mvcc-range-prefix',
  summary: `n/${WIDTH} prefix ranges of ${WIDTH} keys each at the current revision (raw: ${WIDTH}-entry scans)`,
  scale: scaled(WIDTH),
  defaultRuns: 3,
  async prepare(driver, { n, valueSize, seed }) {
    // n ranges over a store of n * WIDTH keys, each range one whole block of WIDTH ids.
    const keys = n * WIDTH;
    const store = await openMvcc(driver);
    await loadMvcc(store, driver, keys, valueSize);
    const random = new Random(seed);
    const blocks = Array.from({ length: n }, () => random.nextInt(n));
    let entries = 0;
    let tagSum = 0;
    return {
      ops: n,
      bytes: n * WIDTH * (KEY_SIZE + valueSize),
      run: async (latency) => {
        for (const block of blocks) {
          const start = performance.now();
          const first = makeKey(block * WIDTH);
          if (store) {
            const { kvs } = await store.range(first.subarray(0, KEY_SIZE - 2), { prefix: true });
            entries += kvs.length;
            for (const kv of kvs) tagSum = (tagSum + valueTag(kv.value)) | 0;
          } else {
            const tally = await scan(driver, { gte: first, limit: WIDTH }, block * WIDTH, 1);
            entries += tally.count;
            tagSum = (tagSum + tally.tagSum) | 0;
          }
          latency.record((performance.now() - start) * 1000);
        }
      },
      validate: async () => {
        try {
          expectEqual('entries read', entries, n * WIDTH);
          let expected = 0;
          for (const block of blocks) expected = (expected + expectedTagSum(ascendingIds(WIDTH).map((i) => block * WIDTH + i), 0, valueSize)) | 0;
          expectEqual('value checksum', tagSum, expected);
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
});
