/**
 * Model-based test of watch and leases: random puts (with and without leases), deletes,
 * txns, compactions, lease grants / revokes / keep-alives, time passing on a manual clock
 * (so leases expire), and watches opened at random revisions and read at random moments, run
 * on an MvccStore (memory engine + WAL) and on the conformance suite's ReferenceKV side by
 * side. Every response and error must match; every watch stream must keep etcd's six
 * guarantees against the model's history, and two streams of the same watch that neither
 * ended must carry the same events. Seeds are printed; replay with TIDEKV_SEED.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, MvccStore, type WatchEvent, type WatchLeaseKV, type WatchOptions, type WatchResponse, type WatchStream } from '@tidekv/core';
import { openReferenceKV, validateWatch } from '@tidekv/conformance';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { propertySeed } from '../../core/test/seed.js';
import { openMemory } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tidekv-watch-lease-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KEYS = ['a', 'a1', 'a2', 'b', 'b1', 'c'];
const LEASES = [1, 2, 3];
const RANGES: [string, WatchOptions][] = [
  ['a', {}],
  ['a', { prefix: true }],
  ['a1', { end: 'b1', prevKv: true }],
  ['b', { end: '\0' }],
  ['\0', { end: '\0', filters: ['nodelete'] }],
];

type Op =
  | { kind: 'put'; key: string; lease: number }
  | { kind: 'delete'; key: string; prefix: boolean }
  | { kind: 'txn'; keys: string[] }
  | { kind: 'grant'; id: number; ttl: number }
  | { kind: 'revoke'; id: number }
  | { kind: 'keepAlive'; id: number }
  | { kind: 'timeToLive'; id: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'compact'; back: number }
  | { kind: 'watch'; range: number; start: 'zero' | 'past' | 'future'; offset: number }
  | { kind: 'read'; watch: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom(...KEYS), lease: fc.constantFrom(0, 0, ...LEASES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS), prefix: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('txn' as const), keys: fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('grant' as const), id: fc.constantFrom(...LEASES), ttl: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), id: fc.constantFrom(...LEASES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('keepAlive' as const), id: fc.constantFrom(...LEASES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('timeToLive' as const), id: fc.constantFrom(...LEASES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), back: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('watch' as const), range: fc.nat(RANGES.length - 1), start: fc.constantFrom('zero' as const, 'past' as const, 'future' as const), offset: fc.nat(6) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), watch: fc.nat(20) }) },
);

/** Runs `call` and returns its result or its error code, for comparing the two stores. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

interface Recorded {
  range: number;
  startRevision: number;
  stream: WatchStream;
  responses: WatchResponse[];
  ended: boolean;
}

/** Reads until a progress bookmark at `revision` or later (requested first), or the end of the stream. */
async function readThrough(rec: Recorded, revision: number): Promise<void> {
  if (rec.ended) return;
  rec.stream.requestProgress();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`watch ${JSON.stringify(RANGES[rec.range] ?? 'truth')} from ${rec.startRevision}: no progress bookmark at ${revision} (got ${JSON.stringify(rec.responses.slice(-3))})`)), 3000);
    });
    const next = await Promise.race([rec.stream.next(), stalled]).finally(() => clearTimeout(timer));
    if (next.done) {
      rec.ended = true;
      return;
    }
    rec.responses.push(next.value);
    if (next.value.compactRevision !== undefined) continue;
    if (next.value.progress && next.value.revision >= revision) return;
  }
}

const brief = (e: WatchEvent) => `${e.type} ${Buffer.from(e.kv.key).toString()}@${e.kv.modRevision} v${e.kv.version} l${e.kv.lease}`;

/** Lets the store's timer-driven lease revokes (WAL commits) finish. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('watch and leases: MvccStore against the reference model', () => {
  const seed = propertySeed('watch-lease model');
  let run = 0;
  it('every response matches the model; every stream keeps the six watch guarantees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
        const dir = join(root, `run-${run++}`);
        const storeClock = new ManualClock();
        const modelClock = new ManualClock();
        const store: WatchLeaseKV = await MvccStore.open({
          engine: await openMemory({ path: join(dir, 'engine') }),
          wal: { dir: join(dir, 'wal') },
          lease: { clock: storeClock },
        });
        const model = (await openReferenceKV({ clock: modelClock })) as unknown as WatchLeaseKV;
        const truth = model.watch('\0', { end: '\0', startRevision: 2 });
        const truthEvents: WatchEvent[] = [];
        const truthRec: Recorded = { range: -1, startRevision: 2, stream: truth, responses: [], ended: false };
        const drainTruth = async () => {
          if (model.revision >= 2) await readThrough(truthRec, model.revision);
        };
        const watches: [Recorded, Recorded][] = [];
        try {
          for (const op of ops) {
            let a: unknown;
            let b: unknown;
            switch (op.kind) {
              case 'put':
                a = await outcome(() => store.put(op.key, `v${store.revision}`, { lease: op.lease }));
                b = await outcome(() => model.put(op.key, `v${model.revision}`, { lease: op.lease }));
                break;
              case 'delete':
                a = await outcome(() => store.deleteRange(op.key, { prefix: op.prefix, prevKv: true }));
                b = await outcome(() => model.deleteRange(op.key, { prefix: op.prefix, prevKv: true }));
                break;
              case 'txn': {
                const txn = (rev: number) => ({ success: op.keys.map((key) => ({ type: 'put' as const, key, value: `t${rev}` })) });
                a = await outcome(() => store.txn(txn(store.revision)));
                b = await outcome(() => model.txn(txn(model.revision)));
                break;
              }
              case 'grant':
                a = await outcome(() => store.leaseGrant(op.ttl, { id: op.id }));
                b = await outcome(() => model.leaseGrant(op.ttl, { id: op.id }));
                break;
              case 'revoke':
                a = await outcome(() => store.leaseRevoke(op.id));
                b = await outcome(() => model.leaseRevoke(op.id));
                break;
              case 'keepAlive':
                a = await outcome(() => store.leaseKeepAlive(op.id));
                b = await outcome(() => model.leaseKeepAlive(op.id));
                break;
              case 'timeToLive': {
                const keys = (r: unknown) => {
                  const t = r as { keys?: Uint8Array[] };
                  return t.keys ? { ...t, keys: t.keys.map((k) => Buffer.from(k).toString()) } : r;
                };
                a = keys(await outcome(() => store.leaseTimeToLive(op.id, { keys: true })));
                b = keys(await outcome(() => model.leaseTimeToLive(op.id, { keys: true })));
                break;
              }
              case 'advance':
                modelClock.advance(op.ms);
                storeClock.advance(op.ms);
                await until(async () => store.revision === model.revision && JSON.stringify(await store.leases()) === JSON.stringify(await model.leases()));
                break;
              case 'compact': {
                const target = store.revision - op.back;
                if (target > Math.max(store.compactRevision, 0)) {
                  a = await outcome(() => store.compact(target));
                  b = await outcome(() => model.compact(target));
                }
                break;
              }
              case 'watch': {
                const current = store.revision;
                const start = op.start === 'zero' ? 0 : op.start === 'past' ? Math.max(1, current - op.offset) : current + 1 + (op.offset % 3);
                const [key, options] = RANGES[op.range]!;
                const open = (kv: WatchLeaseKV): Recorded => ({
                  range: op.range,
                  startRevision: start || current + 1,
                  stream: kv.watch(key, { ...options, startRevision: start }),
                  responses: [],
                  ended: false,
                });
                watches.push([open(store), open(model)]);
                break;
              }
              case 'read': {
                const pair = watches[op.watch % Math.max(1, watches.length)];
                if (!pair || pair[0].startRevision > store.revision) break;
                await readThrough(pair[0], store.revision);
                await readThrough(pair[1], model.revision);
                break;
              }
            }
            expect(a, `${JSON.stringify(op)}: store vs model`).toEqual(b);
            expect(store.revision).toBe(model.revision);
            await drainTruth();
          }
          // The end: same state, same leases; read every watch through the current revision.
          expect(await store.leases()).toEqual(await model.leases());
          expect(await store.hashKV()).toEqual(await model.hashKV());
          await drainTruth();
          for (const r of truthRec.responses) truthEvents.push(...r.events);
          for (const pair of watches) {
            if (pair[0].startRevision > store.revision) continue;
            for (const rec of pair) await readThrough(rec, store.revision);
            const compactRevision = store.compactRevision;
            for (const rec of pair) {
              const [key, options] = RANGES[rec.range]!;
              const violations = validateWatch({ key, options, startRevision: rec.startRevision, responses: rec.responses }, { events: truthEvents, compactRevision });
              expect(violations, `watch ${JSON.stringify(RANGES[rec.range])} from ${rec.startRevision}`).toEqual([]);
            }
            if (!pair[0].ended && !pair[1].ended) {
              const events = (rec: Recorded) => rec.responses.flatMap((r) => r.events.map(brief));
              expect(events(pair[0])).toEqual(events(pair[1]));
            }
          }
        } finally {
          for (const [x, y] of watches) {
            x.stream.cancel();
            y.stream.cancel();
          }
          truth.cancel();
          await store.close();
          await model.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { seed, numRuns: Number(process.env.TIDEKV_MODEL_RUNS ?? 40) },
    );
  }, 240_000);
});
