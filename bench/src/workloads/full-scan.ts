/** The workload behind readseq and readreverse: one scan over all n entries, read in chunks. */
import { KEY_SIZE } from '../keys.js';
import { expectEqual } from '../validation.js';
import { ascendingIds, expectedTagSum, inReadPhase, load, scan, SCAN_CHUNK, type ScanTally } from './common.js';
import { engineWorkload, type EngineWorkload } from './workload.js';

export function fullScan(name: string, reverse: boolean): EngineWorkload {
  return engineWorkload({
    name,
    summary: `one ${reverse ? 'reverse' : 'forward'} scan of all n entries, in chunks of ${SCAN_CHUNK}`,
    scale: (n) => n,
    async prepare(driver, { n, valueSize }) {
      await load(driver, n, valueSize);
      let tally: ScanTally | undefined;
      return {
        ops: n,
        bytes: n * (KEY_SIZE + valueSize),
        run: async (latency) => {
          tally = await inReadPhase(driver, () =>
            reverse ? scan(driver, { reverse: true }, n - 1, -1, latency) : scan(driver, {}, 0, 1, latency),
          );
        },
        validate: () => {
          expectEqual('entries scanned', tally?.count ?? -1, n);
          expectEqual('entries out of order', tally!.outOfOrder, 0);
          expectEqual('value checksum', tally!.tagSum, expectedTagSum(ascendingIds(n), 0, valueSize));
        },
      };
    },
  });
}

/** readseq: one forward scan over all n entries, read in chunks of 1000. */
export const readseq = fullScan('readseq', false);

/** readreverse: one reverse scan over all n entries, read in chunks of 1000. */
export const readreverse = fullScan('readreverse', true);
