/**
 * Model-based test of structural change under open views: fast-check generates a few large
 * commands (runs of hundreds of puts with values from 0 B to 20 KiB, same-size and resized
 * overwrites, single deletes, range deletes, batches that repeat keys, snapshots taken and
 * closed, iterators opened on the live store or a snapshot and read in chunks between the
 * writes, reopen), so trees of a few thousand keys split, merge and rebuild while views are
 * open. After every command every read path of the live store and of each open snapshot is
 * checked against the history model, and each open iterator chunk by chunk. The seed is
 * printed; replay with TIDEKV_SEED.
 */
import fc from 'fast-check';
import type { Entry, Range, WriteOp } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { HistoryModel } from '../support/history-model.js';
import { caseSeed } from '../support/seed.js';
import {
  betweenKey,
  deleteEach,
  deleteRange,
  expectAllViews,
  hold,
  putEach,
  structuralKey,
  structuralValue,
  type HeldSnapshot,
} from '../support/structural.js';
import { TrackedIterator } from '../support/tracked-iterator.js';
import { STRUCTURE_GROUP } from './structure.js';

/** Keys are numbered 0..KEYS-1 (structuralKey), enough for trees several levels deep. */
const KEYS = 4096;
const MAX_SNAPSHOTS = 3;
const MAX_ITERATORS = 4;

const SIZE_MIXES = {
  small: [0, 1, 5, 16, 40],
  mixed: [0, 3, 17, 1023, 1024, 1025, 4096, 20_480],
  large: [1024, 1025, 2048, 20_480],
} as const;
type SizeMix = keyof typeof SIZE_MIXES;

/** A walk over key numbers: `count` keys from `from`, `stride` apart, wrapping at KEYS. */
interface Walk {
  from: number;
  count: number;
  stride: number;
}

type Bound = { at: number; between: boolean };

type Command =
  | { kind: 'puts'; walk: Walk; sizes: SizeMix; via: 'write' | 'put' }
  | { kind: 'overwrite'; walk: Walk; resize: 'same' | 'cross' }
  | { kind: 'deletes'; walk: Walk }
  | { kind: 'rangeDelete'; low?: Bound; high?: Bound; inclusive: boolean; via: 'clear' | 'delRange' }
  | { kind: 'batch'; ops: { type: 'put' | 'del' | 'delRange'; at: number; span: number; size: number }[] }
  | { kind: 'snapshot' }
  | { kind: 'closeSnapshot'; which: number }
  | { kind: 'openIterator'; onSnapshot: number | undefined; low?: Bound; high?: Bound; reverse: boolean; limit: number }
  | { kind: 'advance'; which: number; size: number }
  | { kind: 'reopen' };

const at = fc.nat(KEYS - 1);
const boundArb: fc.Arbitrary<Bound> = fc.record({ at, between: fc.boolean() });
const walkArb = (maxCount: number): fc.Arbitrary<Walk> => fc.record({ from: at, count: fc.integer({ min: 20, max: maxCount }), stride: fc.integer({ min: 1, max: 5 }) });

function commandArb(reopen: boolean): fc.Arbitrary<Command> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('puts' as const), walk: walkArb(400), sizes: fc.constantFrom<SizeMix>('small', 'small', 'mixed', 'large'), via: fc.constantFrom('write' as const, 'write' as const, 'put' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('overwrite' as const), walk: walkArb(300), resize: fc.constantFrom('same' as const, 'cross' as const) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('deletes' as const), walk: walkArb(400) }) },
    {
      weight: 1,
      arbitrary: fc.record(
        { kind: fc.constant('rangeDelete' as const), low: boundArb, high: boundArb, inclusive: fc.boolean(), via: fc.constantFrom('clear' as const, 'delRange' as const) },
        { requiredKeys: ['kind', 'inclusive', 'via'] },
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('batch' as const),
        // a narrow band of keys, so a batch often writes one key several times
        ops: fc.integer({ min: 0, max: KEYS - 16 }).chain((base) =>
          fc.array(
            fc.record({
              type: fc.constantFrom('put' as const, 'put' as const, 'del' as const, 'delRange' as const),
              at: fc.integer({ min: base, max: base + 15 }),
              span: fc.integer({ min: 0, max: 6 }),
              size: fc.constantFrom(0, 9, 1024, 1025, 5000),
            }),
            { minLength: 1, maxLength: 24 },
          ),
        ),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('closeSnapshot' as const), which: fc.nat(MAX_SNAPSHOTS - 1) }) },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          kind: fc.constant('openIterator' as const),
          onSnapshot: fc.option(fc.nat(MAX_SNAPSHOTS - 1), { nil: undefined }),
          low: boundArb,
          high: boundArb,
          reverse: fc.boolean(),
          limit: fc.constantFrom(Infinity, Infinity, 1, 100, 1000),
        },
        { requiredKeys: ['kind', 'onSnapshot', 'reverse', 'limit'] },
      ),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), which: fc.nat(MAX_ITERATORS - 1), size: fc.constantFrom(1, 7, 64, 97, 256, 1000) }) },
    { weight: reopen ? 1 : 0, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  );
}

const walk = ({ from, count, stride }: Walk): number[] => Array.from({ length: count }, (_, n) => (from + n * stride) % KEYS);
const boundKey = (b: Bound) => (b.between ? betweenKey(b.at) : structuralKey(b.at));

function rangeOf(low: Bound | undefined, high: Bound | undefined, inclusive: boolean): Range {
  const range: Range = {};
  if (low) range[inclusive ? 'gte' : 'gt'] = boundKey(low);
  if (high) range[inclusive ? 'lte' : 'lt'] = boundKey(high);
  return range;
}

/** Sizes that cross where engines move values out of line: small to large and back, 1024 to 1025 and back. */
function crossedSize(size: number): number {
  if (size === 1024) return 1025;
  if (size === 1025) return 1024;
  return size > 1024 ? size % 41 : 1025 + size * 7;
}

interface State {
  model: HistoryModel;
  snapshots: (HeldSnapshot | undefined)[];
  iterators: (TrackedIterator | undefined)[];
  stamp: number;
}

/** Closes the snapshot in `slot`; its iterators close with it and are no longer read. */
async function closeSnapshot(state: State, slot: number): Promise<void> {
  const held = state.snapshots[slot];
  if (held === undefined) return;
  state.iterators = state.iterators.map((it) => (it && 'frozen' in it.source && it.source.frozen === held.state ? undefined : it));
  await held.snapshot.close();
  state.snapshots[slot] = undefined;
}

async function apply(ctx: CaseContext, state: State, command: Command): Promise<void> {
  const { model } = state;
  const stamp = ++state.stamp;
  switch (command.kind) {
    case 'puts': {
      const mix = SIZE_MIXES[command.sizes];
      const numbers = walk(command.sizes === 'large' ? { ...command.walk, count: Math.min(command.walk.count, 60) } : command.walk);
      const entries: Entry[] = numbers.map((i, n) => [structuralKey(i), structuralValue(i, stamp, mix[n % mix.length]!)]);
      // single puts are each a commit in some engines: a run of them is kept short
      await putEach(ctx, model, command.via === 'put' ? entries.slice(0, 16) : entries, command.via);
      return;
    }
    case 'overwrite': {
      const entries: Entry[] = walk(command.walk).flatMap((i): Entry[] => {
        const old = model.get(structuralKey(i));
        if (old === undefined) return [];
        const size = command.resize === 'same' ? old.length : crossedSize(old.length);
        return [[structuralKey(i), structuralValue(i, stamp, size)]];
      });
      if (stamp % 2 === 1) await putEach(ctx, model, entries.slice(0, 16), 'put');
      await putEach(ctx, model, stamp % 2 === 1 ? entries.slice(16) : entries, 'write');
      return;
    }
    case 'deletes':
      await deleteEach(ctx, model, [...new Set(walk(command.walk))].filter((i) => model.get(structuralKey(i)) !== undefined).map(structuralKey));
      return;
    case 'rangeDelete':
      await deleteRange(ctx, model, rangeOf(command.low, command.high, command.inclusive), command.via);
      return;
    case 'batch': {
      const ops: WriteOp[] = command.ops.map((op) => {
        const key = structuralKey(op.at);
        if (op.type === 'put') return ctx.put(key, structuralValue(op.at, stamp, op.size));
        if (op.type === 'del') return ctx.del(key);
        return ctx.delRange({ gte: key, lt: structuralKey(Math.min(KEYS - 1, op.at + op.span)) });
      });
      await ctx.engine.write(ops);
      for (const op of ops) {
        if (op.type === 'put') model.put(op.key, op.value);
        else if (op.type === 'del') model.del(op.key);
        else model.deleteRange(op.range);
      }
      return;
    }
    case 'snapshot': {
      if (!ctx.caps.snapshots) return;
      const free = state.snapshots.findIndex((s) => s === undefined);
      const slot = free === -1 ? stamp % MAX_SNAPSHOTS : free;
      await closeSnapshot(state, slot);
      state.snapshots[slot] = hold(ctx, model, `snapshot ${slot} (taken at command ${stamp})`);
      return;
    }
    case 'closeSnapshot':
      await closeSnapshot(state, command.which);
      return;
    case 'openIterator': {
      const slot = stamp % MAX_ITERATORS;
      await state.iterators[slot]?.iterator.close();
      const range: Range = { ...rangeOf(command.low, command.high, true), reverse: command.reverse, limit: command.limit };
      const on = command.onSnapshot === undefined ? undefined : state.snapshots[command.onSnapshot];
      state.iterators[slot] =
        on === undefined
          ? new TrackedIterator(ctx.ks.iterate(range), range, { live: model }, `live iterator ${slot}`)
          : new TrackedIterator(on.snapshot.keyspace(ctx.pass.keyspace).iterate(range), range, { frozen: on.state }, `iterator ${slot} of ${on.label}`);
      return;
    }
    case 'advance': {
      const it = state.iterators[command.which];
      if (it === undefined) return;
      await it.advance(command.size);
      if (it.done) {
        await it.iterator.close();
        state.iterators[command.which] = undefined;
      }
      return;
    }
    case 'reopen':
      // closing the engine closes its snapshots and iterators
      state.snapshots = [];
      state.iterators = [];
      await ctx.reopen();
      return;
  }
}

async function runSequence(ctx: CaseContext, initial: Walk, commands: readonly Command[]): Promise<void> {
  await ctx.ks.clear();
  const state: State = { model: new HistoryModel(), snapshots: [], iterators: [], stamp: 0 };
  const probes = Array.from({ length: KEYS / 2 }, (_, n) => n * 2 + (n % 3 === 0 ? 1 : 0));
  try {
    await apply(ctx, state, { kind: 'puts', walk: initial, sizes: 'small', via: 'write' });
    for (const [n, command] of commands.entries()) {
      await apply(ctx, state, command);
      // reading an iterator or closing a snapshot changes no state: the next check sees the same
      if (command.kind === 'advance' || command.kind === 'openIterator' || command.kind === 'closeSnapshot') continue;
      const check = { keys: probes.map(structuralKey), range: { gt: structuralKey((n * 397) % KEYS), reverse: n % 2 === 1, limit: n % 3 === 0 ? 150 : Infinity }, chunk: [1, 64, 97, 256][n % 4]!, getCount: 40 };
      await expectAllViews(ctx, state.model, state.snapshots, check, `after command ${n} (${command.kind})`);
    }
    for (const it of state.iterators) await it?.drain(128);
  } finally {
    for (const it of state.iterators) await it?.iterator.close();
    for (const held of state.snapshots) await held?.snapshot.close();
  }
}

export const structureModelCases: Case[] = [
  {
    group: STRUCTURE_GROUP,
    name: 'random structural changes with snapshots and chunked iterators open match the history model on every read path',
    timeout: 300_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} structure model (${ctx.pass.keyspace})`);
      const initial = fc.record({ from: fc.constant(0), count: fc.integer({ min: 600, max: 3000 }), stride: fc.constantFrom(1, 1, 2, 3) });
      const commands = fc.array(commandArb(ctx.options.reopen), { minLength: 6, maxLength: 12 });
      await fc.assert(
        fc.asyncProperty(initial, commands, (start, sequence) => runSequence(ctx, start, sequence)),
        // each run is large (thousands of keys); a few runs cover the commands, the named cases the rest
        { seed, numRuns: Math.max(1, Math.round(ctx.options.modelRuns / 20)) },
      );
    },
  },
];
