/**
 * Point reads of random keys on a loaded store, one at a time. readrandom: n reads of
 * existing keys, each must be found with its value. readmissing: n / 2 reads of keys that
 * were never written (an existing key + '.', sorting between two written ones) on an n / 2
 * entry store; none may be found.
 */
import { KEY_SIZE, makeKey, makeMissingKey } from '../keys.js';
import { expectEqual } from '../validation.js';
import { expectedTagSum, inReadPhase, load, randomIds, timedReads, type ReadTally } from './common.js';
import { engineWorkload, scaled, type EngineWorkload } from './workload.js';

function pointReads(name: string, summary: string, missing: boolean): EngineWorkload {
  return engineWorkload({
    name,
    summary,
    scale: missing ? scaled(2) : (n) => n,
    async prepare(driver, { n, valueSize, seed }) {
      await load(driver, n, valueSize);
      const ids = randomIds(seed, n, n);
      const keys = Array.from(ids, missing ? makeMissingKey : makeKey);
      let tally: ReadTally = { found: -1, tagSum: 0 };
      return {
        ops: n,
        bytes: missing ? 0 : n * (KEY_SIZE + valueSize),
        run: async (latency) => {
          tally = await inReadPhase(driver, () => timedReads(driver, keys, latency));
        },
        validate: () => {
          if (missing) return expectEqual('absent keys found', tally.found, 0);
          expectEqual('keys found', tally.found, n);
          expectEqual('value checksum', tally.tagSum, expectedTagSum(ids, 0, valueSize));
        },
      };
    },
  });
}

export const readrandom = pointReads('readrandom', 'n point reads of uniformly random existing keys (every one must be found with its value)', false);

export const readmissing = pointReads(
  'readmissing',
  "point reads of absent keys (an existing key + '.') on an n/2-entry store, n/2 reads; none may be found",
  true,
);
