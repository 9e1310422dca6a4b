/** deleterandom: delete every key of an n / 50 entry store in random order, one delete at a time. */
import { KEY_SIZE, makeKey } from '../keys.js';
import { Random } from '../random.js';
import { expectEqual } from '../validation.js';
import { load, scan } from './common.js';
import { engineWorkload, scaled } from './workload.js';

export const deleterandom = engineWorkload({
  name: 'deleterandom',
  summary: 'single deletes of every key of an n/50-entry store, in random order; the store must end empty',
  scale: scaled(50),
  async prepare(driver, { n, valueSize, seed }) {
    await load(driver, n, valueSize);
    const keys = Array.from(new Random(seed).permutation(n), makeKey);
    return {
      ops: n,
      bytes: n * KEY_SIZE,
      run: async (latency) => {
        let last = performance.now();
        for (const key of keys) {
          const pending = driver.del(key, false);
          if (pending) await pending;
          const now = performance.now();
          latency.record((now - last) * 1000);
          last = now;
        }
      },
      validate: async () => expectEqual('entries left after deleting all', (await scan(driver, {}, 0, 1)).count, 0),
    };
  },
});
