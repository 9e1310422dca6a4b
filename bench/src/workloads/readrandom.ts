/** readrandom: n point reads of uniformly random existing keys. */
import { KEY_SIZE, makeKey } from '../keys.js';
import { Random } from '../random.js';
import { expectEqual } from '../validation.js';
import { expectedTagSum, inReadPhase, load, timedReads, type ReadTally } from './common.js';
import { nonDurable, type EngineWorkload } from './workload.js';

export const readrandom: EngineWorkload = {
  name: 'readrandom',
  kind: 'engine',
  summary: 'n point reads of uniformly random existing keys (every one must be found with its value)',
  scale: (n) => n,
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize, seed }) {
    await load(driver, n, valueSize);
    const random = new Random(seed);
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = random.nextInt(n);
    const keys = Array.from(ids, makeKey);
    let tally: ReadTally = { found: 0, tagSum: 0 };
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: async (latency) => {
        tally = await inReadPhase(driver, () => timedReads(driver, keys, latency));
      },
      validate: () => {
        expectEqual('keys found', tally.found, n);
        expectEqual('value checksum', tally.tagSum, expectedTagSum(ids, 0, valueSize));
      },
    };
  },
};
