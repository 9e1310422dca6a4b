/** seekrandom: position an iterator at a random existing key and read one entry; n / 2 entries stored, n / 20 seeks. */
import { KEY_SIZE, makeKey, valueTag } from '../keys.js';
import { expectEqual } from '../validation.js';
import { expectedTagSum, inReadPhase, load, randomIds } from './common.js';
import { engineWorkload, scaled } from './workload.js';

export const seekrandom = engineWorkload({
  name: 'seekrandom',
  summary: 'open an iterator at a random existing key and read one entry; n/2 entries stored, n/20 seeks',
  scale: scaled(2),
  async prepare(driver, { n, valueSize, seed }) {
    await load(driver, n, valueSize);
    const seeks = scaled(10)(n);
    const ids = randomIds(seed, seeks, n);
    const keys = Array.from(ids, makeKey);
    let found = 0;
    let tagSum = 0;
    const visit = (_key: Uint8Array, value: Uint8Array) => {
      found++;
      tagSum = (tagSum + valueTag(value)) | 0;
    };
    return {
      ops: seeks,
      bytes: seeks * (KEY_SIZE + valueSize),
      run: (latency) =>
        inReadPhase(driver, async () => {
          let last = performance.now();
          for (const key of keys) {
            const cursor = driver.cursor({ gte: key, limit: 1 });
            const got = cursor.read(1, visit);
            if (typeof got !== 'number') await got;
            const closing = cursor.close();
            if (closing) await closing;
            const now = performance.now();
            latency.record((now - last) * 1000);
            last = now;
          }
        }),
      validate: () => {
        expectEqual('seeks that found their key', found, seeks);
        expectEqual('value checksum', tagSum, expectedTagSum(ids, 0, valueSize));
      },
    };
  },
});
