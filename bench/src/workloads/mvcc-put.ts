/**
 * mvcc-put: 256 concurrent clients each putting new keys; a put resolves once its WAL record
 * is synced. mvcc-put-watched: the same with 1,000 idle prefix watchers attached (on keys no
 * put touches), to show what watching costs writers (target: within 0.8x of mvcc-put).
 */
import type { MvccStore } from '@tidekv/core';
import { makeKey, makeValue, valueTag } from '../keys.js';
import { expectEqual } from '../validation.js';
import { ascendingIds, expectedTagSum, verifyContents } from './common.js';
import { closeMvcc, concurrently, mvccDurability, openMvcc } from './mvcc-common.js';
import { engineWorkload, scaled, type EngineWorkload } from './workload.js';

const CLIENTS = 256;

function putWorkload(name: string, idleWatchers: number): EngineWorkload {
  return engineWorkload({
    name,
    summary: `${CLIENTS} concurrent clients putting n/4 new keys into an MvccStore with a WAL${idleWatchers ? `, ${idleWatchers} idle watchers attached` : ''} (raw: plain unsynced puts)`,
    scale: scaled(4),
    durability: mvccDurability,
    async prepare(driver, { n, valueSize }) {
      const store = await openMvcc(driver);
      for (let i = 0; store && i < idleWatchers; i++) (store as MvccStore).watch(`idle/${i}/`, { prefix: true });
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
  });
}

export const mvccPut = putWorkload('mvcc-put', 0);
export const mvccPutWatched = putWorkload('mvcc-put-watched', 1000);
