/** fillseq: write n entries in ascending key order, in batches of 1000. */
import { KEY_SIZE } from '../keys.js';
import { ascendingIds, putBatches, timedBatches, verifyContents, BATCH_SIZE } from './common.js';
import { nonDurable, type EngineWorkload } from './workload.js';

export const fillseq: EngineWorkload = {
  name: 'fillseq',
  kind: 'engine',
  summary: `write n entries in ascending key order, batches of ${BATCH_SIZE}`,
  scale: (n) => n,
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize }) {
    const batches = putBatches(ascendingIds(n), 0, valueSize);
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: (latency) => timedBatches(driver, batches, false, latency),
      validate: () => verifyContents(driver, n, 0, valueSize),
    };
  },
};
