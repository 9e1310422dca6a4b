/** readmissing: point reads of keys that were never written (each sorts between two that were), n / 2 of them on an n / 2 entry store. */
import { makeMissingKey } from '../keys.js';
import { Random } from '../random.js';
import { expectEqual } from '../validation.js';
import { inReadPhase, load, timedReads, type ReadTally } from './common.js';
import { nonDurable, scaled, type EngineWorkload } from './workload.js';

export const readmissing: EngineWorkload = {
  name: 'readmissing',
  kind: 'engine',
  summary: "point reads of absent keys (an existing key + '.') on an n/2-entry store, n/2 reads; none may be found",
  scale: scaled(2),
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize, seed }) {
    await load(driver, n, valueSize);
    const random = new Random(seed);
    const keys = Array.from({ length: n }, () => makeMissingKey(random.nextInt(n)));
    let tally: ReadTally = { found: -1, tagSum: 0 };
    return {
      ops: n,
      bytes: 0,
      run: async (latency) => {
        tally = await inReadPhase(driver, () => timedReads(driver, keys, latency));
      },
      validate: () => expectEqual('absent keys found', tally.found, 0),
    };
  },
};
