/** overwrite: rewrite every key of an n / 2 entry store in random order with a new value. */
import { KEY_SIZE } from '../keys.js';
import { Random } from '../random.js';
import { load, putBatches, timedBatches, verifyContents, BATCH_SIZE } from './common.js';
import { nonDurable, scaled, type EngineWorkload } from './workload.js';

export const overwrite: EngineWorkload = {
  name: 'overwrite',
  kind: 'engine',
  summary: `overwrite every key of an n/2-entry store in random order with changed values (version 0 -> 1), batches of ${BATCH_SIZE}`,
  scale: scaled(2),
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize, seed }) {
    await load(driver, n, valueSize, 0);
    // Version 1 values differ from version 0 in header and filler: an engine that skips
    // identical rewrites cannot skip these.
    const batches = putBatches(new Random(seed).permutation(n), 1, valueSize);
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: (latency) => timedBatches(driver, batches, false, latency),
      validate: () => verifyContents(driver, n, 1, valueSize),
    };
  },
};
