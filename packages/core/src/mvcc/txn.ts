/**
 * Running requests against the key index, as etcd's txn applier does: compares, the checks
 * etcd makes before anything runs (KEY_NOT_FOUND, LEASE_NOT_FOUND, FUTURE_REV, COMPACTED on
 * the chosen branch), then put / range / deleteRange / nested txns in order.
 *
 * A TxnRun works on one base revision: compares, nested compares and the pre-run checks see
 * the state at `base`; the run's own writes get revision base + 1 (sub-revisions in order)
 * and later reads in the same run see them. The index is updated as ops run, and rolled back
 * exactly if anything fails, so a failed request leaves nothing behind.
 */
import { TidekvError } from '../errors.js';
import { compareBytes } from '../codec/bytes.js';
import type { Revision } from '../codec/revision-key.js';
import { KeyIndex, type IndexedRevision } from './key-index.js';
import type { KeyTree } from './key-tree.js';
import type { KeyValue, ResponseOp } from './kv.js';
import { copyKeyValue, tombstoneKeyValue, type SealedChange } from './layout.js';
import type { CompareRequest, DeleteRangeRequest, KeyRange, OpRequest, PutRequest, RangeRequest, TxnRequestChecked } from './request.js';

/** One change of a commit, in sub-revision order. */
export interface Change extends SealedChange {
  revision: Revision;
  tombstone: boolean;
  /** The stored KeyValue; for a tombstone the key alone. */
  kv: KeyValue;
  /** encodeKeyValue of what is stored when it was read back from the WAL (a view into the record). */
  body?: Uint8Array;
}

/** Where a key's value at some revision lives. */
export interface ValueRef {
  index: KeyIndex;
  revision: Revision;
}

/** What a run needs from the store. */
export interface TxnHost {
  readonly tree: KeyTree;
  readonly compactRevision: number;
  /** The verified KeyValues at `refs` (never tombstones), in order; fresh objects the caller may keep. Synchronous when it can be. */
  fetch(refs: readonly ValueRef[]): KeyValue[] | Promise<KeyValue[]>;
  leaseExists(id: number): boolean;
}

/** The live keys of `range` at main revision `at`, in key order. */
export function collect(tree: KeyTree, range: KeyRange, at: number): ValueRef[] {
  const refs: ValueRef[] = [];
  if (range.end === undefined) {
    const index = tree.get(range.key);
    const modified = index?.modifiedAt(at);
    if (modified) refs.push({ index: index!, revision: modified });
    return refs;
  }
  tree.forEach(range.key, range.end.length === 0 ? undefined : range.end, (index) => {
    const modified = index.modifiedAt(at);
    if (modified) refs.push({ index, revision: modified });
  });
  return refs;
}

const SORT_KEYS: Record<Exclude<RangeRequest['sortTarget'], 'key' | 'value'>, (kv: KeyValue) => number> = {
  version: (kv) => kv.version,
  create: (kv) => kv.createRevision,
  mod: (kv) => kv.modRevision,
};

function sortKvs(kvs: KeyValue[], request: RangeRequest): void {
  let order = request.sortOrder;
  const target = request.sortTarget;
  // As etcd: results come key-ascending, so key/ascend needs nothing and other targets default to ascend.
  if (target !== 'key' && order === 'none') order = 'ascend';
  else if (target === 'key' && order === 'ascend') order = 'none';
  if (order === 'none') return;
  const sign = order === 'ascend' ? 1 : -1;
  if (target === 'key') kvs.sort((a, b) => sign * compareBytes(a.key, b.key));
  else if (target === 'value') kvs.sort((a, b) => sign * compareBytes(a.value, b.value));
  else {
    const field = SORT_KEYS[target];
    kvs.sort((a, b) => sign * (field(a) - field(b)));
  }
}

type RangeResult = { kvs: KeyValue[]; count: number; more: boolean };

/**
 * etcd's range: count ignores limit and filters; filters, then sort, then limit; `more` when
 * cut. Synchronous when `fetch` answers synchronously (an engine with getSync), so a read on
 * such an engine costs no promise hop.
 */
export function evaluateRange(
  host: { tree: KeyTree; fetch(refs: readonly ValueRef[]): KeyValue[] | Promise<KeyValue[]> },
  request: RangeRequest,
  at: number,
): RangeResult | Promise<RangeResult> {
  const refs = collect(host.tree, request.range, at);
  const count = refs.length;
  if (request.countOnly) return { kvs: [], count, more: false };
  // etcd fetches everything only when sorting or filtering; otherwise limit + 1 tells `more`.
  const fetchAll = request.sortOrder !== 'none' || isFiltered(request) || request.limit === 0;
  const kvs = host.fetch(fetchAll || refs.length <= request.limit + 1 ? refs : refs.slice(0, request.limit + 1));
  return Array.isArray(kvs) ? finishRange(request, kvs, count) : kvs.then((fetched) => finishRange(request, fetched, count));
}

function isFiltered(request: RangeRequest): boolean {
  return request.minModRevision > 0 || request.maxModRevision > 0 || request.minCreateRevision > 0 || request.maxCreateRevision > 0;
}

function finishRange(request: RangeRequest, fetched: KeyValue[], count: number): RangeResult {
  let kvs = fetched;
  if (isFiltered(request)) {
    kvs = kvs.filter(
      (kv) =>
        !(request.maxModRevision > 0 && kv.modRevision > request.maxModRevision) &&
        !(request.minModRevision > 0 && kv.modRevision < request.minModRevision) &&
        !(request.maxCreateRevision > 0 && kv.createRevision > request.maxCreateRevision) &&
        !(request.minCreateRevision > 0 && kv.createRevision < request.minCreateRevision),
    );
  }
  if (kvs.length > 1) sortKvs(kvs, request);
  let more = false;
  if (request.limit > 0 && kvs.length > request.limit) {
    kvs = kvs.slice(0, request.limit);
    more = true;
  }
  if (request.keysOnly) for (const kv of kvs) kv.value = new Uint8Array(0);
  return { kvs, count, more };
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The field of a key's KeyValue that each numeric compare target reads (a missing key reads 0). */
const COMPARED_FIELD = { version: 'version', create: 'createRevision', mod: 'modRevision', lease: 'lease' } as const;

function holds(compare: CompareRequest, kv: KeyValue | undefined): boolean {
  const order =
    compare.target === 'value'
      ? compareBytes(kv?.value ?? new Uint8Array(0), compare.value as Uint8Array)
      : compareNumbers(kv?.[COMPARED_FIELD[compare.target]] ?? 0, compare.value as number);
  switch (compare.result) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
  }
}

export interface RunResult<R> {
  response: R;
  changes: Change[];
}

/** What a put without prevKv returns (shared: callers only read it). */
const NO_PREV_KV: { prevKv?: KeyValue } = Object.freeze({});

export class TxnRun {
  /** In sub-revision order. Replaced (not pushed to) on the first change: most runs make one, and a one-element literal is the smallest array. */
  changes: Change[] = [];
  readonly #host: TxnHost;
  /** The state compares and checks see. */
  readonly #base: number;
  /** Reads inside the run see this revision: its own writes when it writes. */
  readonly #view: number;
  /** The index each change went into: changes[i] is undone on indexes[i]. */
  #indexes: KeyIndex[] = [];

  constructor(host: TxnHost, base: number, writes: boolean) {
    this.#host = host;
    this.#base = base;
    this.#view = writes ? base + 1 : base;
  }

  /** Undoes every index change the run made (after a failure). */
  rollback(): void {
    for (let i = this.#indexes.length - 1; i >= 0; i--) {
      const index = this.#indexes[i]!;
      index.rollback(this.changes[i]!.revision);
      if (index.isEmpty) this.#host.tree.remove(index.image);
    }
    this.#indexes.length = 0;
    this.changes.length = 0;
  }

  /** Adds a change made on `index` (the index is kept so a rollback can undo it). */
  #record(index: KeyIndex, change: Change): void {
    if (this.changes.length === 0) {
      this.changes = [change];
      this.#indexes = [index];
    } else {
      this.changes.push(change);
      this.#indexes.push(index);
    }
  }

  /** Values at `refs`, this run's own writes included; synchronous when the host's fetch is. */
  #fetch(refs: readonly ValueRef[]): KeyValue[] | Promise<KeyValue[]> {
    const own = new Map<number, KeyValue>();
    const elsewhere: ValueRef[] = [];
    refs.forEach((ref, i) => {
      if (ref.revision.main === this.#base + 1 && this.#view > this.#base) {
        const change = this.changes[ref.revision.sub]!;
        own.set(i, copyKeyValue(change.kv));
      } else {
        elsewhere.push(ref);
      }
    });
    if (own.size === 0) return this.#host.fetch(refs);
    const merge = (fetched: KeyValue[]) => {
      let next = 0;
      return refs.map((_, i) => own.get(i) ?? fetched[next++]!);
    };
    const fetched = this.#host.fetch(elsewhere);
    return Array.isArray(fetched) ? merge(fetched) : fetched.then(merge);
  }

  async range(request: RangeRequest): Promise<RangeResult> {
    const reader = { tree: this.#host.tree, fetch: (refs: readonly ValueRef[]) => this.#fetch(refs) };
    return evaluateRange(reader, request, request.revision > 0 ? request.revision : this.#view);
  }

  /** etcd's checkRequestRange against the base state. */
  checkRange(request: RangeRequest): void {
    if (request.revision === 0) return;
    if (request.revision > this.#base) throw futureRevision(request.revision, this.#base);
    if (request.revision < this.#host.compactRevision) throw compacted(request.revision, this.#host.compactRevision);
  }

  /** etcd's checkRequestPut against the base state; a lone put checks the lease first. */
  checkPut(request: PutRequest, leaseFirst = false): void {
    if (leaseFirst) this.#checkLease(request);
    if (request.ignoreValue || request.ignoreLease) {
      if (!this.#host.tree.get(request.key)?.get(this.#base)) {
        throw new TidekvError('KEY_NOT_FOUND', `put: ${request.ignoreValue ? 'ignoreValue' : 'ignoreLease'} needs an existing key`, {
          details: { key: request.key },
        });
      }
    }
    if (!leaseFirst) this.#checkLease(request);
  }

  #checkLease(request: PutRequest): void {
    if (request.lease !== 0 && !this.#host.leaseExists(request.lease)) {
      throw new TidekvError('LEASE_NOT_FOUND', `put: lease ${request.lease} does not exist`, { details: { lease: request.lease } });
    }
  }

  /** Synchronous unless the put needs the key's current value and the host fetches it asynchronously. */
  put(request: PutRequest): { prevKv?: KeyValue } | Promise<{ prevKv?: KeyValue }> {
    const index = this.#host.tree.get(request.key);
    const current = index?.get(this.#view);
    const needsCurrent = request.prevKv || request.ignoreValue || request.ignoreLease;
    if (!current || !needsCurrent) return this.#put(request, index, current, undefined);
    const fetched = this.#fetch([{ index: index!, revision: current.modified }]);
    return Array.isArray(fetched) ? this.#put(request, index, current, fetched[0]) : fetched.then(([kv]) => this.#put(request, index, current, kv));
  }

  #put(request: PutRequest, existing: KeyIndex | undefined, current: IndexedRevision | undefined, currentKv: KeyValue | undefined): { prevKv?: KeyValue } {
    const tree = this.#host.tree;
    let index = existing;
    if ((request.ignoreValue || request.ignoreLease) && !currentKv) {
      throw new TidekvError('KEY_NOT_FOUND', 'put: ignoreValue / ignoreLease need an existing key', { details: { key: request.key } });
    }
    const main = this.#base + 1;
    const revision = { main, sub: this.changes.length };
    if (!index) {
      index = KeyIndex.of(request.key);
      tree.insert(index);
    }
    index.put(revision);
    const kv: KeyValue = {
      key: request.key,
      value: request.ignoreValue ? currentKv!.value : request.value,
      createRevision: current ? current.created.main : main,
      modRevision: main,
      version: current ? current.version + 1 : 1,
      lease: request.ignoreLease ? currentKv!.lease : request.lease,
    };
    this.#record(index, { revision, tombstone: false, kv, storageKey: undefined, stored: undefined });
    return request.prevKv && currentKv ? { prevKv: currentKv } : NO_PREV_KV;
  }

  async deleteRange(request: DeleteRangeRequest): Promise<{ deleted: number; prevKvs?: KeyValue[] }> {
    const tree = this.#host.tree;
    const refs = collect(tree, request.range, this.#view);
    const prevKvs = request.prevKv ? await this.#fetch(refs) : undefined;
    const main = this.#base + 1;
    for (const ref of refs) {
      const index = ref.index;
      const revision = { main, sub: this.changes.length };
      index.tombstone(revision);
      this.#record(index, { revision, tombstone: true, kv: tombstoneKeyValue(index.key), storageKey: undefined, stored: undefined });
    }
    return prevKvs ? { deleted: refs.length, prevKvs } : { deleted: refs.length };
  }

  async #holds(compare: CompareRequest): Promise<boolean> {
    const refs = collect(this.#host.tree, compare.range, this.#base);
    // etcd: a value compare on no key is false; other targets compare against zero.
    if (refs.length === 0) return compare.target === 'value' ? false : holds(compare, undefined);
    const kvs = await this.#host.fetch(refs);
    return kvs.every((kv) => holds(compare, kv));
  }

  /** Evaluates the compares of `txn` and of every nested txn on the chosen branches, all at the base state. */
  async #choosePaths(txn: TxnRequestChecked, paths: Map<TxnRequestChecked, boolean>): Promise<void> {
    let succeeded = true;
    for (const compare of txn.compare) {
      if (!(await this.#holds(compare))) {
        succeeded = false;
        break;
      }
    }
    paths.set(txn, succeeded);
    for (const op of succeeded ? txn.success : txn.failure) if (op.type === 'txn') await this.#choosePaths(op, paths);
  }

  async #checkPath(txn: TxnRequestChecked, paths: Map<TxnRequestChecked, boolean>, check: (op: OpRequest) => Promise<void> | void): Promise<void> {
    for (const op of paths.get(txn) ? txn.success : txn.failure) {
      if (op.type === 'txn') await this.#checkPath(op, paths, check);
      else await check(op);
    }
  }

  async #runOps(txn: TxnRequestChecked, paths: Map<TxnRequestChecked, boolean>): Promise<{ succeeded: boolean; responses: ResponseOp[] }> {
    const succeeded = paths.get(txn)!;
    const responses: ResponseOp[] = [];
    for (const op of succeeded ? txn.success : txn.failure) {
      switch (op.type) {
        case 'put':
          responses.push({ type: 'put', ...(await this.put(op)) });
          break;
        case 'range':
          responses.push({ type: 'range', ...(await this.range(op)) });
          break;
        case 'deleteRange':
          responses.push({ type: 'deleteRange', ...(await this.deleteRange(op)) });
          break;
        case 'txn':
          responses.push({ type: 'txn', ...(await this.#runOps(op, paths)) });
          break;
      }
    }
    return { succeeded, responses };
  }

  /** A whole txn: compares, etcd's checks on the chosen path (puts, then ranges), then the ops. */
  async txn(txn: TxnRequestChecked): Promise<{ succeeded: boolean; responses: ResponseOp[] }> {
    const paths = new Map<TxnRequestChecked, boolean>();
    await this.#choosePaths(txn, paths);
    await this.#checkPath(txn, paths, (op) => (op.type === 'put' ? this.checkPut(op) : undefined));
    await this.#checkPath(txn, paths, (op) => (op.type === 'range' ? this.checkRange(op) : undefined));
    return this.#runOps(txn, paths);
  }
}

export function futureRevision(revision: number, current: number): TidekvError {
  return new TidekvError('FUTURE_REV', `revision ${revision} is in the future (current ${current})`, { details: { revision, current } });
}

export function compacted(revision: number, compactRevision: number): TidekvError {
  return new TidekvError('COMPACTED', `revision ${revision} has been compacted (compact revision ${compactRevision})`, {
    details: { revision, compactRevision },
  });
}
