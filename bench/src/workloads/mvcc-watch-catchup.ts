/**
 * mvcc-watch-catchup: a watcher n revisions' worth of events behind (n keys put in txns of
 * 100) reads them all from stored history, from revision 2 to now. Ops = events delivered.
 * The raw row is one scan of the same n entries: reading the data back at full speed.
 */
import type { MvccStore } from '@tidekv/core';
import { KEY_SIZE } from '../keys.js';
import { expectEqual } from '../validation.js';
import { inReadPhase, scan, type ScanTally } from './common.js';
import { closeMvcc, loadMvcc, openMvcc } from './mvcc-common.js';
import { engineWorkload, nonDurable } from './workload.js';

export const mvccWatchCatchup = engineWorkload({
  name: 'mvcc-watch-catchup',
  summary: 'a watch from revision 2 catching up on n stored events (txns of 100 puts) (raw: one scan of n entries)',
  scale: (n) => n,
  defaultRuns: 3,
  // Reads of history: how it was written does not matter.
  durability: nonDurable,
  async prepare(driver, { n, valueSize }) {
    const store = (await openMvcc(driver)) as MvccStore | undefined;
    await loadMvcc(store, driver, n, valueSize);
    let delivered = 0;
    let outOfOrder = 0;
    let tally: ScanTally | undefined;
    return {
      ops: n,
      bytes: n * (KEY_SIZE + valueSize),
      run: async (latency) => {
        if (!store) {
          tally = await inReadPhase(driver, () => scan(driver, {}, 0, 1, latency));
          delivered = tally.count;
          return;
        }
        const stream = store.watch('\0', { end: '\0', startRevision: 2 });
        let last = performance.now();
        let previous = 0;
        for await (const response of stream) {
          for (const event of response.events) {
            if (event.kv.modRevision < previous) outOfOrder++;
            previous = event.kv.modRevision;
          }
          delivered += response.events.length;
          const now = performance.now();
          if (response.events.length > 0) latency.record(((now - last) * 1000) / response.events.length, response.events.length);
          last = now;
          if (delivered >= n) break;
        }
      },
      validate: async () => {
        try {
          expectEqual('events delivered', delivered, n);
          expectEqual('events out of order', outOfOrder + (tally?.outOfOrder ?? 0), 0);
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
});
