/** mvcc-put: 256 concurrent clients each putting new keys; a put resolves once its WAL record is synced. */
import { makeKey, makeValue, valueTag } from '../keys.js';
import { expectEqual } from '../validation.js';
import { ascendingIds, expectedTagSum, verifyContents } from './common.js';
import { closeMvcc, concurrently, mvccDurability, openMvcc } from './mvcc-common.js';
import { scaled, type EngineWorkload } from './workload.js';

const CLIENTS = 256;

export const mvccPut: EngineWorkload = {
  name: 'mvcc-put',
  kind: 'engine',
  summary: `${CLIENTS} concurrent clients putting n/4 new keys into an MvccStore with a WAL (raw: plain unsynced puts)`,
  scale: scaled(4),
  durable: false,
  durability: mvccDurability,
  async prepare(driver, { n, valueSize }) {
    const store = await openMvcc(driver);
    const keys = Array.from({ length: n }, (_, i) => makeKey(i));
    const values = Array.from({ length: n }, (_, i) => makeValue(i, 0, valueSize));
    return {
      ops: n,
      bytes: n * (keys[0]!.length + valueSize),
      run: (latency) =>
        concurrently(CLIENTS, n, latency, (i) => (store ? store.put(keys[i]!, values[i]!) : driver.put(keys[i]!, values[i]!, false))),
      validate: async () => {
        if (!store) return verifyContents(driver, n, 0, valueSize);
        try {
          expectEqual('store revision', store.revision, n + 1);
          const { kvs, count } = await store.range(keys[0]!, { end: '\0' });
          expectEqual('keys in the store', count, n);
          let tags = 0;
          for (const kv of kvs) tags = (tags + valueTag(kv.value)) | 0;
          expectEqual('value checksum', tags, expectedTagSum(ascendingIds(n), 0, valueSize));
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
};
