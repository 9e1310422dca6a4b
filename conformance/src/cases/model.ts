/**
 * Model-based test: random sequences of puts, deletes, batches, delRange, clear, reads and
 * range scans (with random bounds, reverse and limits) across two keyspaces, checked step
 * by step against the tiny model. Snapshots and reopen join in when the engine has them.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Range, Snapshot, WriteOp } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { hex, hexEntries } from '../support/bytes.js';
import { KeyspaceModel } from '../support/model.js';
import { caseSeed } from '../support/seed.js';

const group = 'model-based';
const SECOND = 'conformance-model-b';

const byteArb = fc.constantFrom(0x00, 0x01, 0x41, 0x7f, 0x80, 0xfe, 0xff);
const keyArb = fc.array(byteArb, { maxLength: 3 }).map((b) => Uint8Array.from(b));
const valueArb = fc.uint8Array({ maxLength: 12 });
const ksArb = fc.constantFrom(0, 0, 1);
const rangeArb: fc.Arbitrary<Range> = fc.record(
  {
    gt: keyArb,
    gte: keyArb,
    lt: keyArb,
    lte: keyArb,
    prefix: fc.array(byteArb, { maxLength: 2 }).map((b) => Uint8Array.from(b)),
    reverse: fc.boolean(),
    limit: fc.oneof(fc.nat(6), fc.constant(Infinity)),
  },
  { requiredKeys: [] },
);
const boundsArb = rangeArb.map(({ reverse: _r, limit: _l, ...bounds }) => bounds);

type Step =
  | { kind: 'put'; ks: number; key: Uint8Array; value: Uint8Array }
  | { kind: 'del'; ks: number; key: Uint8Array }
  | { kind: 'delRange'; ks: number; range: Range }
  | { kind: 'clear'; ks: number; range: Range }
  | { kind: 'batch'; ops: Step[] }
  | { kind: 'get'; ks: number; keys: Uint8Array[] }
  | { kind: 'iterate'; ks: number; range: Range; chunk: number }
  | { kind: 'snapshot' }
  | { kind: 'reopen' };

const writeArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), ks: ksArb, key: keyArb, value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), ks: ksArb, key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delRange' as const), ks: ksArb, range: boundsArb }) },
);

function stepArb(withSnapshots: boolean, withReopen: boolean): fc.Arbitrary<Step> {
  return fc.oneof(
    { weight: 6, arbitrary: writeArb },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), ks: ksArb, range: boundsArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), ops: fc.array(writeArb, { maxLength: 8 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), ks: ksArb, keys: fc.array(keyArb, { minLength: 1, maxLength: 4 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('iterate' as const), ks: ksArb, range: rangeArb, chunk: fc.integer({ min: 1, max: 5 }) }) },
    { weight: withSnapshots ? 1 : 0, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
    { weight: withReopen ? 1 : 0, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  );
}

interface Pending {
  snapshot: Snapshot;
  models: KeyspaceModel[];
}

async function runSequence(ctx: CaseContext, steps: Step[]): Promise<void> {
  const names = [ctx.pass.keyspace, SECOND];
  for (const name of names) await ctx.engine.keyspace(name).clear();
  const models = [new KeyspaceModel(), new KeyspaceModel()];
  const pending: Pending[] = [];
  const ks = (i: number) => ctx.engine.keyspace(names[i]!);

  const toOp = (step: Step): WriteOp => {
    if (step.kind === 'put') return { type: 'put', keyspace: names[step.ks], key: step.key, value: step.value };
    if (step.kind === 'del') return { type: 'del', keyspace: names[step.ks], key: step.key };
    if (step.kind === 'delRange') return { type: 'delRange', keyspace: names[step.ks], range: step.range };
    throw new Error(`not a write op: ${step.kind}`);
  };
  const applyToModel = (step: Step) => {
    if (step.kind === 'put') models[step.ks]!.put(step.key, step.value);
    else if (step.kind === 'del') models[step.ks]!.del(step.key);
    else if (step.kind === 'delRange' || step.kind === 'clear') models[step.ks]!.deleteRange(step.range);
  };
  const checkSnapshots = async () => {
    for (const { snapshot, models: frozen } of pending.splice(0)) {
      for (let i = 0; i < names.length; i++) {
        const view = snapshot.keyspace(names[i]!);
        expect(hexEntries(await view.iterate().all()), `snapshot of ${names[i]}`).toEqual(hexEntries(frozen[i]!.range()));
      }
      await snapshot.close();
    }
  };

  for (const step of steps) {
    switch (step.kind) {
      case 'put':
        await ks(step.ks).put(step.key, step.value);
        break;
      case 'del':
        await ks(step.ks).del(step.key);
        break;
      case 'delRange':
        await ctx.engine.write([toOp(step)]);
        break;
      case 'clear':
        await ks(step.ks).clear(step.range);
        break;
      case 'batch':
        await ctx.engine.write(step.ops.map(toOp));
        break;
      case 'get': {
        const model = models[step.ks]!;
        expect(hex(await ks(step.ks).get(step.keys[0]!)), 'get').toBe(hex(model.get(step.keys[0]!)));
        expect((await ks(step.ks).getMany(step.keys)).map(hex), 'getMany').toEqual(step.keys.map((k) => hex(model.get(k))));
        if (ctx.options.getSync) expect(hex(ks(step.ks).getSync!(step.keys[0]!)), 'getSync').toBe(hex(model.get(step.keys[0]!)));
        break;
      }
      case 'iterate': {
        const expected = hexEntries(models[step.ks]!.range(step.range));
        const it = ks(step.ks).iterate(step.range);
        const got = [];
        for (let chunk = await it.nextv(step.chunk); chunk.length > 0; chunk = await it.nextv(step.chunk)) got.push(...chunk);
        await it.close();
        expect(hexEntries(got), 'iterate').toEqual(expected);
        if (ctx.caps.syncReads) expect(hexEntries([...ks(step.ks).iterateSync!(step.range)]), 'iterateSync').toEqual(expected);
        break;
      }
      case 'snapshot':
        pending.push({ snapshot: ctx.engine.snapshot!(), models: models.map((m) => m.clone()) });
        break;
      case 'reopen':
        await checkSnapshots();
        await ctx.reopen();
        break;
    }
    if (step.kind === 'batch') step.ops.forEach(applyToModel);
    else applyToModel(step);
  }
  await checkSnapshots();
  for (let i = 0; i < names.length; i++) {
    expect(hexEntries(await ks(i).iterate().all()), `final state of ${names[i]}`).toEqual(hexEntries(models[i]!.range()));
  }
}

export const modelCases: Case[] = [
  {
    group,
    name: 'random operation sequences match the reference model',
    timeout: 300_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} model (${ctx.pass.keyspace})`);
      const steps = fc.array(stepArb(ctx.caps.snapshots, ctx.options.reopen), { minLength: 1, maxLength: 40 });
      await fc.assert(
        fc.asyncProperty(steps, (sequence) => runSequence(ctx, sequence)),
        { seed, numRuns: ctx.options.modelRuns },
      );
    },
  },
];
