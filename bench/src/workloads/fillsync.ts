/** fillsync: n / 100 single writes in random order, each durable (fsynced) before the next. */
import { KEY_SIZE, makeKey, makeValue } from '../keys.js';
import { Random } from '../random.js';
import { verifyContents } from './common.js';
import { engineWorkload, scaled } from './workload.js';

export const fillsync = engineWorkload({
  name: 'fillsync',
  summary: 'n/100 single writes in random key order, each synced to disk before the next',
  scale: scaled(100),
  durable: true,
  durability: () => 'sync',
  async prepare(driver, { n, valueSize, seed }) {
    const ids = new Random(seed).permutation(n);
    const keys = Array.from(ids, makeKey);
    const values = Array.from(ids, (id) => makeValue(id, 0, valueSize));
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: async (latency) => {
        let last = performance.now();
        for (let i = 0; i < n; i++) {
          const pending = driver.put(keys[i]!, values[i]!, true);
          if (pending) await pending;
          const now = performance.now();
          latency.record((now - last) * 1000);
          last = now;
        }
      },
      validate: () => verifyContents(driver, n, 0, valueSize),
    };
  },
});
