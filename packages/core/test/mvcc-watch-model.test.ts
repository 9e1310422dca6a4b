/**
 * Model-based test of the watcher group: random commits (single changes and multi-key
 * txns), compactions, watches opened at random start revisions on random ranges, read at
 * random paces, with random queue, batch and response bounds. Every stream must equal the
 * log's events for its range from its start, in whole revisions, ending with a compaction
 * notice only when its next revision really was compacted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WatchOptions, WatchResponse } from '../src/mvcc/kv.js';
import { parseWatch, watchWants } from '../src/mvcc/watch.js';
import type { Watcher } from '../src/mvcc/watcher.js';
import { brief, expectedEvents, FakeHistory, type Change } from './fixtures/fake-history.js';
import { propertySeed } from './seed.js';

const KEYS = ['a', 'a1', 'a2', 'b', 'b1', 'c'];
const RANGES: [string, WatchOptions][] = [
  ['a', {}],
  ['a', { prefix: true }],
  ['a1', { end: 'b1' }],
  ['b', { end: '\0' }],
  ['\0', { end: '\0' }],
  ['a', { prefix: true, filters: ['nodelete'] }],
  ['a', { end: 'c', filters: ['noput'] }],
];

type Op =
  | { kind: 'commit'; changes: Change[] }
  | { kind: 'compact'; back: number }
  | { kind: 'watch'; range: number; start: 'zero' | 'past' | 'future'; offset: number }
  | { kind: 'read'; watcher: number; responses: number };

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ type: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('commit' as const), changes: fc.uniqueArray(changeArb, { minLength: 1, maxLength: 4, selector: (c) => c.key }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), back: fc.nat(6) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('watch' as const), range: fc.nat(RANGES.length - 1), start: fc.constantFrom('zero' as const, 'past' as const, 'future' as const), offset: fc.nat(8) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), watcher: fc.nat(20), responses: fc.integer({ min: 1, max: 4 }) }) },
);
const limitsArb = fc.record({
  maxQueuedEvents: fc.constantFrom(1, 2, 8, 1024),
  maxResponseEvents: fc.constantFrom(1, 5, 1000),
  catchUpBatchEvents: fc.constantFrom(1, 3, 1000),
});

interface Opened {
  watcher: Watcher;
  start: number;
  responses: WatchResponse[];
}

/** Reads up to `max` responses that are available without waiting for a new commit. */
async function readAvailable(history: FakeHistory, opened: Opened, max: number): Promise<void> {
  const w = opened.watcher;
  while (max > 0 && !(w.ended && w.queued === 0)) {
    if (w.queued === 0) {
      if (w.synced) return;
      await history.group.catchUp(w);
      continue;
    }
    const next = await w.next();
    if (next.done) return;
    opened.responses.push(next.value);
    max--;
  }
}

describe('watch: model', () => {
  const seed = propertySeed('mvcc-watch-model');
  it('every stream is exactly its range of the log, whole revisions, compaction reported', async () => {
    await fc.assert(
      fc.asyncProperty(limitsArb, fc.array(opArb, { minLength: 1, maxLength: 60 }), async (limits, ops) => {
        const h = new FakeHistory(limits);
        const opened: Opened[] = [];
        const specs = RANGES.map(([key, options]) => [key, options] as const);
        for (const op of ops) {
          if (op.kind === 'commit') h.commit(...op.changes);
          else if (op.kind === 'compact') {
            const target = h.revision - op.back;
            if (target > Math.max(h.compactRevision, 1)) h.compact(target);
          } else if (op.kind === 'watch') {
            const [key, options] = specs[op.range]!;
            const startRevision = op.start === 'zero' ? 0 : op.start === 'past' ? Math.max(1, h.revision - op.offset) : h.revision + 1 + (op.offset % 3);
            const watcher = h.group.watch(parseWatch(key, { ...options, startRevision }));
            opened.push({ watcher, start: startRevision === 0 ? h.revision + 1 : startRevision, responses: [] });
          } else if (opened.length > 0) {
            await readAvailable(h, opened[op.watcher % opened.length]!, op.responses);
          }
        }
        for (const o of opened) await readAvailable(h, o, Infinity);

        for (const o of opened) {
          const w = o.watcher;
          const got = o.responses.flatMap((r) => r.events.map(brief));
          const want = expectedEvents(h, o.start, (e) => watchWants(w.spec, e)).map(brief);
          const last = o.responses.at(-1);
          if (last?.compactRevision !== undefined) {
            // Ended by compaction: a prefix of the log, and the next revision it needed was compacted.
            const lastDelivered = o.responses.reduce((rev, r) => (r.compactRevision === undefined ? Math.max(rev, r.revision) : rev), o.start - 1);
            expect(lastDelivered + 1).toBeLessThan(last.compactRevision);
            expect(got).toEqual(want.slice(0, got.length));
            expect(w.ended).toBe(true);
          } else {
            expect(got).toEqual(want);
            expect(w.ended).toBe(false);
          }
          // Ordered and atomic: revisions increase across responses; a revision never split.
          let previous = 0;
          for (const r of o.responses) {
            const revs = r.events.map((e) => e.kv.modRevision);
            if (revs.length > 0) {
              expect(revs[0]!).toBeGreaterThan(previous);
              expect(r.revision).toBeGreaterThanOrEqual(revs.at(-1)!);
              previous = revs.at(-1)!;
            }
            for (let i = 1; i < revs.length; i++) expect(revs[i]!).toBeGreaterThanOrEqual(revs[i - 1]!);
          }
        }
      }),
      { seed, numRuns: 2000 },
    );
  });
});
