/**
 * The batched fills, as db_bench's: fillseq writes n entries in ascending key order,
 * fillrandom in random order (each key once), overwrite rewrites every key of an n / 2 entry
 * store in random order with a new value. One write per batch of 1000; afterwards one scan
 * checks the store holds exactly the keys written, with the values written.
 */
import { KEY_SIZE } from '../keys.js';
import { Random } from '../random.js';
import { ascendingIds, load, putBatches, timedBatches, verifyContents, BATCH_SIZE } from './common.js';
import { engineWorkload, scaled, type EngineWorkload } from './workload.js';

function batchedFill(name: string, summary: string, order: 'ascending' | 'random', overwrite: boolean): EngineWorkload {
  // Version 1 values differ from version 0 in header and filler: an engine that skips
  // identical rewrites cannot skip these.
  const version = overwrite ? 1 : 0;
  return engineWorkload({
    name,
    summary,
    scale: overwrite ? scaled(2) : (n) => n,
    async prepare(driver, { n, valueSize, seed }) {
      if (overwrite) await load(driver, n, valueSize, 0);
      const ids = order === 'random' ? new Random(seed).permutation(n) : ascendingIds(n);
      const batches = putBatches(ids, version, valueSize);
      return {
        ops: n,
        bytes: n * (KEY_SIZE + valueSize),
        run: (latency) => timedBatches(driver, batches, false, latency),
        validate: () => verifyContents(driver, n, version, valueSize),
      };
    },
  });
}

export const fillseq = batchedFill('fillseq', `write n entries in ascending key order, batches of ${BATCH_SIZE}`, 'ascending', false);

export const fillrandom = batchedFill(
  'fillrandom',
  `write n entries in random key order (a permutation, so exactly n keys), batches of ${BATCH_SIZE}`,
  'random',
  false,
);

export const overwrite = batchedFill(
  'overwrite',
  `overwrite every key of an n/2-entry store in random order with changed values (version 0 -> 1), batches of ${BATCH_SIZE}`,
  'random',
  true,
);
