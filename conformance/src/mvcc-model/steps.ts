/**
 * Random operation sequences for the model-based test and the etcd differential check.
 * A step is a plan: revisions are drawn as positions relative to the store's state when the
 * step runs (current, a kept past revision, anything, the future), so a plan stays
 * meaningful after earlier steps were shrunk away. resolveStep turns it into a concrete call.
 */
import fc from 'fast-check';
import type { Compare, CompareResult, CompareTarget, KV, RequestOp, SortOrder, SortTarget, TxnRequest } from '@tidekv/core';

/** A revision relative to the store when the step runs. */
export type RevisionPlan = { at: 'zero' } | { at: 'kept'; f: number } | { at: 'any'; f: number } | { at: 'future' };

export interface SelectionPlan {
  key: Uint8Array;
  end?: Uint8Array;
  prefix?: boolean;
}

export interface PutPlan {
  kind: 'put';
  key: Uint8Array;
  value: Uint8Array;
  prevKv: boolean;
  ignoreValue: boolean;
  ignoreLease: boolean;
  lease: number;
}

export interface RangePlan {
  kind: 'range';
  selection: SelectionPlan;
  revision: RevisionPlan;
  limit: number;
  countOnly: boolean;
  keysOnly: boolean;
  sort?: { order: SortOrder; target: SortTarget };
  filters: [name: 'minModRevision' | 'maxModRevision' | 'minCreateRevision' | 'maxCreateRevision', value: RevisionPlan][];
}

export interface DeletePlan {
  kind: 'deleteRange';
  selection: SelectionPlan;
  prevKv: boolean;
}

export interface ComparePlan {
  selection: SelectionPlan;
  target: CompareTarget;
  result: CompareResult;
  value: Uint8Array | RevisionPlan | number;
}

export interface TxnPlan {
  kind: 'txn';
  compare: ComparePlan[];
  success: OpPlan[];
  failure: OpPlan[];
}

export type OpPlan = PutPlan | RangePlan | DeletePlan | TxnPlan;

export type Step =
  | OpPlan
  | { kind: 'compact'; revision: RevisionPlan; physical: boolean }
  | { kind: 'hashKV'; revision: RevisionPlan }
  | { kind: 'reopen' };

export interface StepOptions {
  /** Include hashKV steps. */
  hash: boolean;
  /** Include reopen steps. */
  reopen: boolean;
  /**
   * For the differential check against a real etcd 3.4, leave out what etcd itself gets
   * wrong: the txn shape that crashes it (a put with ignoreValue/ignoreLease in a txn with a
   * from-key delete); txn ranges at future or compacted revisions (etcd refuses such a txn,
   * then applies it anyway when the server restarts and replays its log); and compactions
   * at revision 0, which etcd forgets when the server stops before their physical pass
   * finished (it resumes a scheduled compaction only when its revision is not 0).
   */
  etcdSafe?: boolean;
}

const b = (...bytes: number[]) => Uint8Array.from(bytes);

/** A handful of keys around the byte boundaries that matter: prefixes, 0x00 and 0xFF. */
export const KEYS: readonly Uint8Array[] = [b(0x61), b(0x61, 0x00), b(0x61, 0x62), b(0x61, 0xff), b(0x62), b(0x63), b(0xff), b(0xff, 0xff)];
const keyArb = fc.constantFrom(...KEYS);
const rangeKeyArb = fc.oneof({ weight: 6, arbitrary: keyArb }, { weight: 1, arbitrary: fc.constant(b(0x00)) }, { weight: 1, arbitrary: fc.constant(b(0x61, 0x61)) });
const valueArb = fc.constantFrom(b(), b(0x78), b(0x79), b(0x7a), b(0x00, 0xff), b(0x78, 0x78));

// Unbiased: fast-check's doubles favour 0, which would make most past reads land on revision 1.
const fraction = fc.noBias(fc.integer({ min: 0, max: 999 })).map((n) => n / 1000);
export const revisionArb: fc.Arbitrary<RevisionPlan> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ at: 'zero' as const }) },
  { weight: 4, arbitrary: fraction.map((f) => ({ at: 'kept' as const, f })) },
  { weight: 1, arbitrary: fraction.map((f) => ({ at: 'any' as const, f })) },
  { weight: 1, arbitrary: fc.constant({ at: 'future' as const }) },
);
const keptRevisionArb: fc.Arbitrary<RevisionPlan> = fraction.map((f) => ({ at: 'kept' as const, f }));

const selectionArb: fc.Arbitrary<SelectionPlan> = fc.oneof(
  { weight: 3, arbitrary: rangeKeyArb.map((key) => ({ key })) },
  { weight: 3, arbitrary: fc.record({ key: rangeKeyArb, end: fc.oneof(rangeKeyArb, fc.constant(b(0x64))) }) },
  { weight: 2, arbitrary: rangeKeyArb.map((key) => ({ key, prefix: true })) },
  { weight: 2, arbitrary: rangeKeyArb.map((key) => ({ key, end: b(0x00) })) },
  { weight: 2, arbitrary: fc.constant({ key: b(0x00), end: b(0x00) }) },
);

/** Reads favour ranges of several keys, where limit, sort and filters have something to do. */
const readSelectionArb: fc.Arbitrary<SelectionPlan> = fc.oneof(
  { weight: 1, arbitrary: selectionArb },
  { weight: 2, arbitrary: fc.constantFrom<SelectionPlan>({ key: b(0x00), end: b(0x00) }, { key: b(0x61), prefix: true }, { key: b(0x61), end: b(0x63) }, { key: b(0x61, 0x62), end: b(0x00) }) },
);

const putArb: fc.Arbitrary<PutPlan> = fc
  .record({
    key: keyArb,
    value: valueArb,
    prevKv: fc.boolean(),
    // Mostly plain puts: ignoreValue / ignoreLease on a missing key and unknown leases fail.
    ignore: fc.oneof({ weight: 10, arbitrary: fc.constant('none') }, { weight: 1, arbitrary: fc.constantFrom('value', 'lease') }),
    lease: fc.oneof({ weight: 15, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
  })
  .map(({ ignore, ...rest }) => ({
    kind: 'put' as const,
    ...rest,
    value: ignore === 'value' ? b() : rest.value,
    lease: ignore === 'lease' ? 0 : rest.lease,
    ignoreValue: ignore === 'value',
    ignoreLease: ignore === 'lease',
  }));

const filterNames = ['minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision'] as const;
const rangeWith = (revision: fc.Arbitrary<RevisionPlan>): fc.Arbitrary<RangePlan> => fc.record({
  kind: fc.constant('range' as const),
  selection: readSelectionArb,
  revision,
  limit: fc.constantFrom(0, 0, 1, 1, 2, 3),
  countOnly: fc.constantFrom(false, false, false, true),
  keysOnly: fc.constantFrom(false, false, false, true),
  sort: fc.option(fc.record({ order: fc.constantFrom<SortOrder>('none', 'ascend', 'descend'), target: fc.constantFrom<SortTarget>('key', 'version', 'create', 'mod', 'value') }), { nil: undefined }),
  filters: fc.oneof(fc.constant<RangePlan['filters']>([]), fc.array(fc.tuple(fc.constantFrom(...filterNames), keptRevisionArb), { minLength: 1, maxLength: 2 })),
});
const rangeArb = rangeWith(revisionArb);
/** Ranges that pass etcd's txn checks: at the current or a kept revision. */
const validRangeArb = rangeWith(fc.oneof(fc.constant({ at: 'zero' as const }), keptRevisionArb));

/** Deletes mostly take single keys: wide deletes would keep the store nearly empty. */
const deleteSelectionArb: fc.Arbitrary<SelectionPlan> = fc.oneof({ weight: 5, arbitrary: keyArb.map((key) => ({ key })) }, { weight: 2, arbitrary: selectionArb });
const deleteArb: fc.Arbitrary<DeletePlan> = fc.record({ kind: fc.constant('deleteRange' as const), selection: deleteSelectionArb, prevKv: fc.boolean() });

const compareArb: fc.Arbitrary<ComparePlan> = fc
  .record({
    selection: selectionArb,
    target: fc.constantFrom<CompareTarget>('value', 'version', 'create', 'mod', 'lease'),
    result: fc.constantFrom<CompareResult>('=', '!=', '<', '>'),
    bytes: valueArb,
    version: fc.nat(3),
    revision: keptRevisionArb,
    lease: fc.constantFrom(0, 0, 1),
  })
  .map(({ selection, target, result, bytes, version, revision, lease }) => ({
    selection,
    target,
    result,
    value: target === 'value' ? bytes : target === 'version' ? version : target === 'lease' ? lease : revision,
  }));

function txnArb(depth: number, range: fc.Arbitrary<RangePlan>): fc.Arbitrary<TxnPlan> {
  const op: fc.Arbitrary<OpPlan> =
    depth <= 0
      ? fc.oneof({ weight: 4, arbitrary: putArb }, { weight: 2, arbitrary: range }, { weight: 2, arbitrary: deleteArb })
      : fc.oneof({ weight: 4, arbitrary: putArb }, { weight: 2, arbitrary: range }, { weight: 2, arbitrary: deleteArb }, { weight: 1, arbitrary: txnArb(depth - 1, range) });
  return fc.record({
    kind: fc.constant('txn' as const),
    compare: fc.array(compareArb, { maxLength: 2 }),
    success: fc.array(op, { maxLength: 3 }),
    failure: fc.array(op, { maxLength: 3 }),
  });
}

function isFromKey(selection: SelectionPlan): boolean {
  const { key, end, prefix } = selection;
  if (prefix) return key.every((x) => x === 0xff);
  return end !== undefined && end.length === 1 && end[0] === 0;
}

/** Whether a txn has a put with ignoreValue / ignoreLease and a from-key delete anywhere. */
export function crashesEtcd(txn: TxnPlan): boolean {
  let ignore = false;
  let fromKeyDelete = false;
  const visit = (t: TxnPlan) => {
    for (const op of [...t.success, ...t.failure]) {
      if (op.kind === 'put' && (op.ignoreValue || op.ignoreLease)) ignore = true;
      if (op.kind === 'deleteRange' && isFromKey(op.selection)) fromKeyDelete = true;
      if (op.kind === 'txn') visit(op);
    }
  };
  visit(txn);
  return ignore && fromKeyDelete;
}

export function stepArb(options: StepOptions): fc.Arbitrary<Step> {
  const txn = options.etcdSafe ? txnArb(2, validRangeArb).filter((t) => !crashesEtcd(t)) : txnArb(2, rangeArb);
  const compactRevision = options.etcdSafe ? revisionArb.filter((r) => r.at !== 'zero') : revisionArb;
  return fc.oneof(
    { weight: 8, arbitrary: putArb },
    { weight: 5, arbitrary: rangeArb },
    { weight: 3, arbitrary: deleteArb },
    { weight: 4, arbitrary: txn },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), revision: compactRevision, physical: fc.boolean() }) },
    { weight: options.hash ? 1 : 0, arbitrary: fc.record({ kind: fc.constant('hashKV' as const), revision: revisionArb }) },
    { weight: options.reopen ? 1 : 0, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  );
}

export function sequenceArb(options: StepOptions, maxLength = 40): fc.Arbitrary<Step[]> {
  // A prelude of puts gives the reads several keys to sort, limit and filter. size 'max':
  // fast-check's default size keeps arrays near 10 steps, too few to build interesting state.
  return fc
    .tuple(fc.array(putArb, { maxLength: 8, size: 'max' }), fc.array(stepArb(options), { minLength: 1, maxLength, size: 'max' }))
    .map(([prelude, steps]): Step[] => [...prelude, ...steps]);
}

/** The store state a plan's relative revisions are resolved against. */
export interface Revisions {
  revision: number;
  compactRevision: number;
}

export function resolveRevision(plan: RevisionPlan, { revision, compactRevision }: Revisions): number {
  switch (plan.at) {
    case 'zero':
      return 0;
    case 'future':
      return revision + 1;
    case 'any':
      return Math.floor(plan.f * (revision + 2));
    case 'kept': {
      const low = Math.max(1, compactRevision);
      return low + Math.floor(plan.f * (revision - low + 1));
    }
  }
}

function selectionOptions(selection: SelectionPlan): { end?: Uint8Array; prefix?: boolean } {
  if (selection.prefix) return { prefix: true };
  return selection.end === undefined ? {} : { end: selection.end };
}

function resolveOp(op: OpPlan, at: Revisions): RequestOp {
  switch (op.kind) {
    case 'put': {
      const { key, value, kind: _kind, ...flags } = op;
      const options = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== false && v !== 0));
      return { type: 'put', key, value, ...options };
    }
    case 'range': {
      const options: Record<string, unknown> = { ...selectionOptions(op.selection) };
      const revision = resolveRevision(op.revision, at);
      if (revision !== 0) options.revision = revision;
      if (op.limit !== 0) options.limit = op.limit;
      if (op.countOnly) options.countOnly = true;
      if (op.keysOnly) options.keysOnly = true;
      if (op.sort) options.sort = op.sort;
      for (const [name, value] of op.filters) options[name] = resolveRevision(value, at);
      return { type: 'range', key: op.selection.key, ...options };
    }
    case 'deleteRange':
      return { type: 'deleteRange', key: op.selection.key, ...selectionOptions(op.selection), ...(op.prevKv ? { prevKv: true } : {}) };
    case 'txn':
      return { type: 'txn', txn: resolveTxn(op, at) };
  }
}

function resolveTxn(txn: TxnPlan, at: Revisions): TxnRequest {
  const compare = txn.compare.map(
    (c): Compare =>
      ({
        key: c.selection.key,
        ...selectionOptions(c.selection),
        target: c.target,
        result: c.result,
        value: c.value instanceof Uint8Array || typeof c.value === 'number' ? c.value : resolveRevision(c.value, at),
      }) as Compare,
  );
  return { compare, success: txn.success.map((op) => resolveOp(op, at)), failure: txn.failure.map((op) => resolveOp(op, at)) };
}

/** A concrete call, ready to run on any KV. */
export type Call =
  | { method: 'put' | 'range' | 'deleteRange'; args: unknown[] }
  | { method: 'txn'; args: [TxnRequest] }
  | { method: 'compact'; args: [number, { physical: boolean }] }
  | { method: 'hashKV'; args: [number] }
  | { method: 'reopen'; args: [] };

export function resolveStep(step: Step, at: Revisions): Call {
  switch (step.kind) {
    case 'reopen':
      return { method: 'reopen', args: [] };
    case 'compact':
      return { method: 'compact', args: [resolveRevision(step.revision, at), { physical: step.physical }] };
    case 'hashKV':
      return { method: 'hashKV', args: [resolveRevision(step.revision, at)] };
    case 'txn':
      return { method: 'txn', args: [resolveTxn(step, at)] };
    default: {
      const op = resolveOp(step, at) as Exclude<RequestOp, { type: 'txn' }>;
      const { type, key, ...options } = op as { type: 'put' | 'range' | 'deleteRange'; key: Uint8Array; value?: Uint8Array };
      if (type === 'put') {
        const { value, ...rest } = options;
        return { method: 'put', args: [key, value, rest] };
      }
      return { method: type, args: [key, options] };
    }
  }
}

export function invoke(kv: KV, call: Exclude<Call, { method: 'reopen' }>): Promise<unknown> {
  const target = kv as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return target[call.method]!.apply(kv, call.args);
}
