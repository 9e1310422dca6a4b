/** fillrandom: write n entries in random key order (each key once), in batches of 1000. */
import { KEY_SIZE } from '../keys.js';
import { Random } from '../random.js';
import { putBatches, timedBatches, verifyContents, BATCH_SIZE } from './common.js';
import { nonDurable, type EngineWorkload } from './workload.js';

export const fillrandom: EngineWorkload = {
  name: 'fillrandom',
  kind: 'engine',
  summary: `write n entries in random key order (a permutation, so exactly n keys), batches of ${BATCH_SIZE}`,
  scale: (n) => n,
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize, seed }) {
    const batches = putBatches(new Random(seed).permutation(n), 0, valueSize);
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: (latency) => timedBatches(driver, batches, false, latency),
      validate: () => verifyContents(driver, n, 0, valueSize),
    };
  },
};
