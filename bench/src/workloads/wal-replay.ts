/** wal-replay: read back every record of an n-record log (written untimed, not synced). */
import { makeValue, valueTag } from '../keys.js';
import { expectEqual } from '../validation.js';
import { ascendingIds, expectedTagSum } from './common.js';
import { logWorkload } from './workload.js';

export const walReplay = logWorkload({
  name: 'wal-replay',
  summary: 'replay (read and checksum) every record of an n-record log',
  scale: (n) => n,
  async prepare(driver, { n, valueSize }) {
    // Untimed setup: up to 1000 appends in flight, so a group-committing log fills quickly.
    for (let start = 0; start < n; start += 1000) {
      const pending: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(start + 1000, n); i++) {
        const appended = driver.append(makeValue(i, 0, valueSize));
        if (appended) pending.push(appended);
      }
      await Promise.all(pending);
    }
    let count = -1;
    let tags = 0;
    return {
      ops: n,
      bytes: n * valueSize,
      run: async (latency) => {
        let last = performance.now();
        let sinceLast = 0;
        // Per-record timing would cost more than a record: time every 1000 records instead.
        count = await driver.replay((payload) => {
          tags = (tags + valueTag(payload)) | 0;
          if (++sinceLast === 1000) {
            const now = performance.now();
            latency.record(((now - last) * 1000) / sinceLast, sinceLast);
            last = now;
            sinceLast = 0;
          }
        });
        if (sinceLast > 0) latency.record(((performance.now() - last) * 1000) / sinceLast, sinceLast);
      },
      validate: () => {
        expectEqual('records replayed', count, n);
        expectEqual('record checksum', tags, expectedTagSum(ascendingIds(n), 0, valueSize));
      },
    };
  },
});
