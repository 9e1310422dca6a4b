/**
 * mvcc-compact: 256 clients put n/4 new keys while a compaction removes the first of two
 * versions of n/4 other keys (physically, in batches). Compare the writers' p99 with mvcc-put's,
 * the same writers without a compaction. Raw: the same puts, no compaction.
 */
import { makeKey, makeValue } from '../keys.js';
import { expectEqual } from '../validation.js';
import { closeMvcc, concurrently, loadMvcc, mvccDurability, openMvcc } from './mvcc-common.js';
import { engineWorkload, scaled } from './workload.js';

const CLIENTS = 256;

export const mvccCompact = engineWorkload({
  name: 'mvcc-compact',
  summary: `${CLIENTS} clients putting n/4 new keys while the store compacts away one old version of each of n/4 other keys; compare the p99 with mvcc-put`,
  scale: scaled(4),
  defaultRuns: 3,
  durability: mvccDurability,
  async prepare(driver, { n, valueSize }) {
    // As many stored keys as new puts: the compaction (two versions of each) still outlasts the
    // writers, so all of their latencies are measured during it.
    const stored = n;
    const store = await openMvcc(driver);
    await loadMvcc(store, driver, stored, valueSize, 0);
    await loadMvcc(store, driver, stored, valueSize, 1);
    const target = store?.revision ?? 0;
    const keys = Array.from({ length: n }, (_, i) => makeKey(stored + i));
    const values = Array.from({ length: n }, (_, i) => makeValue(stored + i, 0, valueSize));
    return {
      ops: n,
      bytes: n * (keys[0]!.length + valueSize),
      run: async (latency) => {
        const compaction = store?.compact(target, { physical: true });
        await concurrently(CLIENTS, n, latency, (i) => (store ? store.put(keys[i]!, values[i]!) : driver.put(keys[i]!, values[i]!, false)));
        await compaction;
      },
      validate: async () => {
        if (!store) return;
        try {
          expectEqual('compact revision', store.compactRevision, target);
          expectEqual('keys in the store', (await store.range('\0', { end: '\0', countOnly: true })).count, stored + n);
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
});
