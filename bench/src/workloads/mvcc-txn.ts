/**
 * mvcc-txn: compare-and-swap on 16 hot keys from 256 concurrent clients: read the key, then
 * a txn that writes it only if its mod revision is still the one read (raw: get then put,
 * with no atomicity at all).
 */
import { makeKey, makeValue } from '../keys.js';
import { expectEqual } from '../validation.js';
import { closeMvcc, concurrently, expectAtLeast, loadMvcc, mvccDurability, openMvcc } from './mvcc-common.js';
import { engineWorkload, scaled } from './workload.js';

const CLIENTS = 256;
const HOT_KEYS = 16;

export const mvccTxn = engineWorkload({
  name: 'mvcc-txn',
  summary: `${CLIENTS} clients doing compare-and-swap txns on ${HOT_KEYS} hot keys, n/4 attempts (raw: get then put)`,
  scale: scaled(4),
  durability: mvccDurability,
  async prepare(driver, { n, valueSize }) {
    const store = await openMvcc(driver);
    await loadMvcc(store, driver, HOT_KEYS, valueSize);
    const keys = Array.from({ length: HOT_KEYS }, (_, i) => makeKey(i));
    const values = Array.from({ length: n }, (_, i) => makeValue(i % HOT_KEYS, 1 + (i % 1000), valueSize));
    let swapped = 0;
    let attempts = 0;
    return {
      ops: n,
      bytes: n * (keys[0]!.length + valueSize),
      run: (latency) =>
        concurrently(CLIENTS, n, latency, async (i) => {
          const key = keys[i % HOT_KEYS]!;
          attempts++;
          if (!store) {
            await driver.get(key);
            const pending = driver.put(key, values[i]!, false);
            if (pending) await pending;
            swapped++;
            return;
          }
          const { kvs } = await store.range(key);
          const { succeeded } = await store.txn({
            compare: [{ key, target: 'mod', result: '=', value: kvs[0]!.modRevision }],
            success: [{ type: 'put', key, value: values[i]! }],
          });
          if (succeeded) swapped++;
        }),
      validate: async () => {
        try {
          expectEqual('attempts', attempts, n);
          expectAtLeast('successful swaps', swapped, Math.min(n, HOT_KEYS));
          // The load is one txn (revision 2); every successful swap adds one.
          if (store) expectEqual('store revision', store.revision, 2 + swapped);
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
});
