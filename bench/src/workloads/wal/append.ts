/**
 * WAL append with W concurrent writers: W async loops share one counter and each awaits its
 * own append before taking the next record, so up to W appends are in flight. Latency is
 * per append, from issue to acknowledgement (durable). The log is replayed afterwards and
 * must hold exactly the records appended.
 */
import { makeValue, valueTag } from '../../keys.js';
import { expectEqual } from '../../validation.js';
import { ascendingIds, expectedTagSum } from '../common.js';
import { logWorkload, scaled, type LogWorkload } from '../workload.js';

export function walAppend(writers: number, divisor: number): LogWorkload {
  return logWorkload({
    name: `wal-append-${writers}`,
    summary: `${writers} concurrent writer${writers === 1 ? '' : 's'} appending records of --value-size bytes, each acknowledged once durable; n/${divisor} records`,
    scale: scaled(divisor),
    durable: true,
    durability: (variant) => (variant === 'adapter' ? 'group' : 'sync'),
    async prepare(driver, { n, valueSize }) {
      const payloads = Array.from({ length: n }, (_, i) => makeValue(i, 0, valueSize));
      return {
        ops: n,
        bytes: n * valueSize,
        run: async (latency) => {
          let next = 0;
          const writer = async () => {
            while (next < n) {
              const payload = payloads[next++]!;
              const start = performance.now();
              const pending = driver.append(payload);
              if (pending) await pending;
              latency.record((performance.now() - start) * 1000);
            }
          };
          await Promise.all(Array.from({ length: Math.min(writers, n) }, writer));
        },
        validate: async () => {
          let tags = 0;
          const count = await driver.replay((payload) => {
            tags = (tags + valueTag(payload)) | 0;
          });
          expectEqual('records replayed', count, n);
          expectEqual('record checksum', tags, expectedTagSum(ascendingIds(n), 0, valueSize));
        },
      };
    },
  });
}

