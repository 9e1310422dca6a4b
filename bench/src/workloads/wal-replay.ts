/** wal-replay: read back every record of an n-record log (written untimed, not synced). */
import { makeValue, valueTag } from '../keys.js';
import { expectEqual } from '../validation.js';
import { ascendingIds, expectedTagSum } from './common.js';
import { nonDurable, type LogWorkload } from './workload.js';

export const walReplay: LogWorkload = {
  name: 'wal-replay',
  kind: 'log',
  summary: 'replay (read and checksum) every record of an n-record log',
  scale: (n) => n,
  durable: false,
  durability: nonDurable,
  async prepare(driver, { n, valueSize }) {
    for (let i = 0; i < n; i++) {
      const pending = driver.append(makeValue(i, 0, valueSize));
      if (pending) await pending;
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
};
