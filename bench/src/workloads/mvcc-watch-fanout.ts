/**
 * mvcc-watch-fanout: 1,000 watchers on overlapping prefixes (600 of 100 keys, 300 of 1,000,
 * 100 of 10,000) while 256 clients put n/4 new keys. Ops = events delivered to consumers;
 * latency = from the commit becoming visible to the consumer reading the event. The raw row
 * does the same plain puts and hands each write straight to the same 1,000 prefix callbacks
 * (no queues, no history): the floor for any fan-out.
 */
import type { MvccStore, WatchStream } from '@tidekv/core';
import { KEY_SIZE, makeKey, makeValue } from '../keys.js';
import { LatencyHistogram } from '../stats/histogram.js';
import { expectEqual } from '../validation.js';
import { closeMvcc, concurrently, mvccDurability, openMvcc } from './mvcc-common.js';
import { engineWorkload, scaled } from './workload.js';

const CLIENTS = 256;
/** [prefix length, watchers]: a prefix of length L covers 10^(16 - L) consecutive ids. */
const WATCHER_MIX: readonly (readonly [number, number])[] = [
  [KEY_SIZE - 2, 600],
  [KEY_SIZE - 3, 300],
  [KEY_SIZE - 4, 100],
];

/** The watchers' prefixes, spread over the blocks the puts cover, and how many events each must get. */
function plan(puts: number): { prefixes: Buffer[]; expected: number[] } {
  const prefixes: Buffer[] = [];
  const expected: number[] = [];
  for (const [length, count] of WATCHER_MIX) {
    const span = 10 ** (KEY_SIZE - length);
    const blocks = Math.max(1, Math.ceil(puts / span));
    for (let j = 0; j < count; j++) {
      const block = j % blocks;
      prefixes.push(makeKey(block * span).subarray(0, length));
      expected.push(Math.max(0, Math.min(span, puts - block * span)));
    }
  }
  return { prefixes, expected };
}

export const mvccWatchFanout = engineWorkload({
  name: 'mvcc-watch-fanout',
  summary: `1,000 prefix watchers (overlapping) while ${CLIENTS} clients put n/4 new keys; ops = events delivered, latency = commit to consumer (raw: plain puts + direct callbacks)`,
  scale: scaled(4),
  defaultRuns: 3,
  durability: mvccDurability,
  async prepare(driver, { n, valueSize }) {
    const store = (await openMvcc(driver)) as MvccStore | undefined;
    const keys = Array.from({ length: n }, (_, i) => makeKey(i));
    const values = Array.from({ length: n }, (_, i) => makeValue(i, 0, valueSize));
    const { prefixes, expected } = plan(n);
    const total = expected.reduce((a, b) => a + b, 0);
    const delivered = new Array<number>(prefixes.length).fill(0);
    let outOfOrder = 0;
    return {
      ops: total,
      bytes: total * (KEY_SIZE + valueSize),
      run: async (latency) => {
        const ignored = new LatencyHistogram();
        if (!store) {
          // Raw: each acknowledged put goes straight to every matching prefix callback.
          const latin = prefixes.map((p) => p.toString('latin1'));
          await concurrently(CLIENTS, n, ignored, async (i) => {
            await driver.put(keys[i]!, values[i]!, false);
            const committed = performance.now();
            const key = keys[i]!.toString('latin1');
            let hits = 0;
            for (let w = 0; w < latin.length; w++) {
              if (key.startsWith(latin[w]!)) {
                delivered[w]!++;
                hits++;
              }
            }
            if (hits > 0) latency.record((performance.now() - committed) * 1000, hits);
          });
          return;
        }
        const committedAt = new Float64Array(n + 2);
        const unsubscribe = store.onCommit((commit) => (committedAt[commit.revision] = performance.now()));
        const streams: WatchStream[] = prefixes.map((prefix) => store.watch(prefix, { prefix: true }));
        const consumers = streams.map(async (stream, w) => {
          if (expected[w] === 0) return;
          let last = 0;
          for await (const response of stream) {
            const now = performance.now();
            for (const event of response.events) {
              const rev = event.kv.modRevision;
              if (rev <= last) outOfOrder++;
              last = rev;
              latency.record((now - committedAt[rev]!) * 1000);
            }
            delivered[w]! += response.events.length;
            if (delivered[w]! >= expected[w]!) break;
          }
        });
        await concurrently(CLIENTS, n, ignored, (i) => store.put(keys[i]!, values[i]!));
        await Promise.all(consumers);
        unsubscribe();
        for (const stream of streams) stream.cancel();
      },
      validate: async () => {
        try {
          expectEqual('events delivered', delivered.reduce((a, b) => a + b, 0), total);
          for (let w = 0; w < prefixes.length; w++) expectEqual(`events to watcher ${w}`, delivered[w]!, expected[w]!);
          expectEqual('events out of revision order', outOfOrder, 0);
        } finally {
          await closeMvcc(store);
        }
      },
    };
  },
});
