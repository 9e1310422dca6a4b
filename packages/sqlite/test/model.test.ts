/**
 * Model-based test: random writes, reads, paged scans interleaved with writes, snapshots and
 * reopens, checked step by step against a plain in-memory model. Paged scans are modelled
 * exactly: each nextv(n) sees the entries present when it runs, strictly past the last key
 * already handed out, which is what keyset pagination promises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, inRange, normalizeRange, type EntryIterator, type Range, type Snapshot, type StorageEngine } from '@tidekv/core';
import { open, tempDir } from './helpers.js';

const KEYSPACES = ['default', 'Other'] as const;
type Model = Map<string, Map<string, Uint8Array>>; // keyspace -> hex key -> value

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const byte = fc.constantFrom(0x00, 0x01, 0x80, 0xff);
const key = fc.array(byte, { maxLength: 2 }).map((a) => Uint8Array.from(a));
const value = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }).map((a) => Uint8Array.from(a));
const ks = fc.constantFrom(...KEYSPACES);
/** Ranges whose bounds are each present one time in `rarity`, so open-ended ones are common. */
function rangeOf(rarity: number, limits: fc.Arbitrary<number | undefined>): fc.Arbitrary<Range> {
  const bound = fc.oneof({ weight: rarity - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: key });
  return fc.record({ gt: bound, gte: bound, lt: bound, lte: bound, prefix: bound, reverse: fc.boolean(), limit: limits });
}
const range = rangeOf(4, fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 6 })));
/** Scans run over many pages, so they mostly get wide ranges and no limit. */
const scanRange = rangeOf(8, fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }) }));

type Op =
  | { type: 'put'; ks: string; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; ks: string; key: Uint8Array }
  | { type: 'clear'; ks: string; range: Range }
  | { type: 'batch'; ops: ({ type: 'put'; keyspace: string; key: Uint8Array; value: Uint8Array } | { type: 'del'; keyspace: string; key: Uint8Array } | { type: 'delRange'; keyspace: string; range: Range })[] }
  | { type: 'scan'; ks: string; range: Range }
  | { type: 'step'; slot: number; size: number }
  | { type: 'check'; ks: string; range: Range; probe: Uint8Array }
  | { type: 'snapshot' }
  | { type: 'checkSnapshot'; ks: string; range: Range }
  | { type: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('put' as const), ks, key, value }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('del' as const), ks, key }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('clear' as const), ks, range }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('batch' as const),
      ops: fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('put' as const), keyspace: ks, key, value }),
          fc.record({ type: fc.constant('del' as const), keyspace: ks, key }),
          fc.record({ type: fc.constant('delRange' as const), keyspace: ks, range }),
        ),
        { maxLength: 5 },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('scan' as const), ks, range: scanRange }) },
  { weight: 8, arbitrary: fc.record({ type: fc.constant('step' as const), slot: fc.nat(2), size: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('check' as const), ks, range, probe: key }) },
  { weight: 2, arbitrary: fc.constant({ type: 'snapshot' as const }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('checkSnapshot' as const), ks, range }) },
  { weight: 1, arbitrary: fc.constant({ type: 'reopen' as const }) },
);

function expected(model: Model, name: string, r: Range): [string, string][] {
  const normalized = normalizeRange(r);
  const entries = [...(model.get(name) ?? new Map()).entries()]
    .filter(([k]) => inRange(unhex(k), normalized))
    .sort(([a], [b]) => compareBytes(unhex(a), unhex(b)));
  if (normalized.reverse) entries.reverse();
  return entries.slice(0, normalized.limit).map(([k, v]) => [k, hex(v)]);
}

function applyDelete(model: Model, name: string, r: Range): void {
  const normalized = normalizeRange({ ...r, limit: undefined, reverse: undefined });
  const table = model.get(name);
  if (!table) return;
  for (const k of [...table.keys()]) if (inRange(unhex(k), normalized)) table.delete(k);
}

function put(model: Model, name: string, k: Uint8Array, v: Uint8Array): void {
  if (!model.has(name)) model.set(name, new Map());
  model.get(name)!.set(hex(k), v);
}

const copy = (model: Model): Model => new Map([...model].map(([n, t]) => [n, new Map(t)]));
const entriesHex = (entries: Iterable<[Uint8Array, Uint8Array]>) => [...entries].map(([k, v]) => [hex(k), hex(v)]);

/** A scan in flight and the model of what keyset pagination must return next. */
interface Scan {
  iterator: EntryIterator;
  ks: string;
  range: Range;
  last: string | undefined;
  remaining: number;
  done: boolean;
}

function nextPage(model: Model, scan: Scan, size: number): [string, string][] {
  if (scan.done || scan.remaining === 0) return [];
  const want = Math.min(size, scan.remaining);
  const normalized = normalizeRange(scan.range);
  let all = expected(model, scan.ks, { ...scan.range, limit: undefined });
  if (scan.last !== undefined) {
    const last = unhex(scan.last);
    all = all.filter(([k]) => (normalized.reverse ? compareBytes(unhex(k), last) < 0 : compareBytes(unhex(k), last) > 0));
  }
  const page = all.slice(0, want);
  if (page.length < want) scan.done = true;
  scan.remaining -= page.length;
  if (page.length > 0) scan.last = page[page.length - 1]![0];
  return page;
}

async function run(ops: Op[]): Promise<void> {
  const dir = await tempDir();
  let engine: StorageEngine = await open(dir);
  const model: Model = new Map();
  let scans: Scan[] = [];
  let snapshot: { view: Snapshot; model: Model } | undefined;
  try {
    for (const o of ops) {
      switch (o.type) {
        case 'put':
          await engine.keyspace(o.ks).put(o.key, o.value);
          put(model, o.ks, o.key, o.value);
          break;
        case 'del':
          await engine.keyspace(o.ks).del(o.key);
          model.get(o.ks)?.delete(hex(o.key));
          break;
        case 'clear':
          await engine.keyspace(o.ks).clear(o.range);
          applyDelete(model, o.ks, o.range);
          break;
        case 'batch':
          await engine.write(o.ops);
          for (const b of o.ops) {
            if (b.type === 'put') put(model, b.keyspace, b.key, b.value);
            else if (b.type === 'del') model.get(b.keyspace)?.delete(hex(b.key));
            else applyDelete(model, b.keyspace, b.range);
          }
          break;
        case 'scan':
          if (scans.length === 3) await scans.shift()!.iterator.close();
          scans.push({ iterator: engine.keyspace(o.ks).iterate(o.range), ks: o.ks, range: o.range, last: undefined, remaining: o.range.limit ?? Infinity, done: false });
          break;
        case 'step': {
          const scan = scans[o.slot % Math.max(scans.length, 1)];
          if (!scan) break;
          expect(entriesHex(await scan.iterator.nextv(o.size))).toEqual(nextPage(model, scan, o.size));
          break;
        }
        case 'check': {
          const keyspace = engine.keyspace(o.ks);
          const want = expected(model, o.ks, o.range);
          expect(entriesHex(await keyspace.iterate(o.range).all())).toEqual(want);
          expect(entriesHex(keyspace.iterateSync!(o.range))).toEqual(want);
          const probe = model.get(o.ks)?.get(hex(o.probe));
          expect(keyspace.getSync!(o.probe)).toEqual(probe === undefined ? undefined : Buffer.from(probe));
          expect(await keyspace.getMany([o.probe])).toEqual([probe === undefined ? undefined : Buffer.from(probe)]);
          break;
        }
        case 'snapshot':
          await snapshot?.view.close();
          snapshot = { view: engine.snapshot!(), model: copy(model) };
          break;
        case 'checkSnapshot':
          if (!snapshot) break;
          expect(entriesHex(await snapshot.view.keyspace(o.ks).iterate(o.range).all())).toEqual(expected(snapshot.model, o.ks, o.range));
          break;
        case 'reopen':
          await engine.close();
          engine = await open(dir);
          scans = [];
          snapshot = undefined;
          break;
      }
    }
    for (const name of KEYSPACES) expect(entriesHex(await engine.keyspace(name).iterate().all())).toEqual(expected(model, name, {}));
  } finally {
    await engine.close();
  }
}

describe('model-based', () => {
  it('matches an in-memory model through writes, paged scans, snapshots and reopens', async () => {
    const seed = Number(process.env.TIDEKV_SEED ?? Date.now());
    console.log('fast-check seed', seed);
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), run), { seed, numRuns: Number(process.env.TIDEKV_RUNS ?? 60) });
  }, 120_000);
});
