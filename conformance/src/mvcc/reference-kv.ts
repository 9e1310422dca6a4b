/**
 * The reference KV: a small, obviously-correct implementation of tidekv's KV interface
 * (etcd's key-value API) that answers everything by scanning a plain list of every change
 * (history.ts). The conformance suite (describeMvcc) runs real stores against it operation
 * by operation, and a differential test runs it against a real etcd server.
 *
 * Where etcd itself has no answer, the model refuses cleanly: a txn whose put with
 * ignoreValue / ignoreLease meets a key that an earlier from-key delete of the same txn
 * removed (etcd's pre-checks see the key, then its applier panics) fails KEY_NOT_FOUND and
 * changes nothing.
 *
 * With `dir`, the state is written to one file there on close and read back on open; with
 * `durable` too, also at every commit and compaction, and a commit whose file write fails
 * changes nothing and leaves the store refusing writes (IO_ERROR) until it is reopened.
 *
 * The protected methods are the model's seams: the conformance suite's meta-tests subclass
 * it, each changing one of them into a known bug, to prove the suite rejects that bug.
 */
import { TidekvError, type Bytes, type Clock, type LeaseGrantOptions, type LeaseGrantResponse, type LeaseKeepAliveOptions, type LeaseKeepAliveResponse, type LeaseListResponse, type LeaseRevokeResponse, type LeaseTimeToLiveOptions, type LeaseTimeToLiveResponse, type WatchLeaseKV, type WatchOptions, type WatchStream, type CompactOptions, type CompactResponse, type DeleteRangeOptions, type DeleteRangeResponse, type HashKVResponse, type KV, type KeyValue, type PutOptions, type PutResponse, type RangeOptions, type RangeResponse, type ResponseOp, type TxnRequest as PublicTxnRequest, type TxnResponse } from '@tidekv/core';
import { byteOrder } from '../support/bytes.js';
import { Commit } from './commit.js';
import { hashHistory } from './hash.js';
import { History, type Change } from './history.js';
import { answerRange, type RangeAnswer } from './range-read.js';
import { readReferenceState, writeReferenceState, type ReferenceState } from './reference-file.js';
import { ReferenceLeases } from './reference-leases.js';
import { ReferenceWatchHub } from './reference-watch.js';
import {
  parseCompactOptions,
  parseDeleteRange,
  parsePut,
  parseRange,
  parseRevision,
  parseTxn,
  toCount,
  type CompareRequest,
  type DeleteRangeRequest,
  type OpRequest,
  type RangeRequest,
  type TxnRequest,
} from './request.js';
import { checkDuplicateKeys, checkKey, checkPut, checkTxn } from './txn-rules.js';

export interface ReferenceKVOptions {
  /** A directory to persist to (one file, written on close). Absent: in memory only. */
  dir?: string;
  /** With `dir`: write the file at every commit and compaction too, not only on close. Default false. */
  durable?: boolean;
  /** Ops per txn list, as etcd's --max-txn-ops. Default 128. */
  maxTxnOps?: number;
  /** Time for lease expiry (e.g. core's ManualClock in tests). Default: real time. */
  clock?: Clock;
}

export const DEFAULT_MAX_TXN_OPS = 128;

export class ReferenceKV implements KV, WatchLeaseKV {
  #history: History;
  #revision: number;
  #compactRevision: number;
  #open = true;
  readonly #dir: string | undefined;
  readonly #durable: boolean;
  /** The failed write that makes the store refuse writes until it is reopened. */
  #failure: TidekvError | undefined;
  readonly #maxTxnOps: number;
  readonly #watch: ReferenceWatchHub;
  readonly #leases: ReferenceLeases;

  protected constructor(options: ReferenceKVOptions) {
    this.#dir = options.dir;
    this.#durable = options.durable === true && options.dir !== undefined;
    this.#maxTxnOps = options.maxTxnOps ?? DEFAULT_MAX_TXN_OPS;
    const state = this.#dir === undefined ? undefined : readReferenceState(this.#dir);
    this.#history = new History(state?.changes ?? []);
    this.#revision = state?.revision ?? 1;
    this.#compactRevision = state?.compactRevision ?? -1;
    const store = this;
    this.#watch = new ReferenceWatchHub(
      {
        get revision() {
          return store.#revision;
        },
        get compactRevision() {
          return store.#compactRevision;
        },
        kvAt: (key, rev) => (rev < this.#compactRevision ? undefined : this.#history.get(key, rev)),
      },
      this.#history.changes,
    );
    this.#leases = new ReferenceLeases({ revokeKeys: (id) => this.revokeLeaseKeys(id), attachedKeys: (id) => this.attachedKeys(id) }, state?.leases, options.clock);
  }

  static async open(options: ReferenceKVOptions = {}): Promise<ReferenceKV> {
    if (options === null || typeof options !== 'object') throw new TidekvError('INVALID_OPTION', 'openReferenceKV() takes an options object');
    for (const name of Object.keys(options)) {
      if (name !== 'dir' && name !== 'durable' && name !== 'maxTxnOps' && name !== 'clock') throw new TidekvError('INVALID_OPTION', `unknown option '${name}'`);
    }
    if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir === '')) {
      throw new TidekvError('INVALID_OPTION', 'options.dir must be a non-empty string');
    }
    if (options.durable !== undefined && typeof options.durable !== 'boolean') throw new TidekvError('INVALID_OPTION', 'options.durable must be a boolean');
    if (options.maxTxnOps !== undefined && toCount(options.maxTxnOps, 'INVALID_OPTION', 'options.maxTxnOps') < 1) {
      throw new TidekvError('INVALID_OPTION', 'options.maxTxnOps must be at least 1');
    }
    return new ReferenceKV(options);
  }

  get revision(): number {
    return this.#revision;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  #assertOpen(): void {
    if (!this.#open) throw new TidekvError('NOT_OPEN', 'the store is closed');
  }

  /** FUTURE_REV above the current revision, COMPACTED below the compact revision; 0 = current. */
  #readRevision(revision: number): number {
    if (revision > this.#revision) throw new TidekvError('FUTURE_REV', `revision ${revision} is above the current revision ${this.#revision}`);
    if (revision !== 0 && revision < this.#compactRevision) {
      throw new TidekvError('COMPACTED', `revision ${revision} is below the compact revision ${this.#compactRevision}`);
    }
    return revision || this.#revision;
  }

  /** A commit at the next revision, working on a copy of the history. */
  protected createCommit(): Commit {
    return new Commit(this.#history.clone(), this.#revision + 1, (request, live) => this.answerRange(request, live));
  }

  protected answerRange(request: RangeRequest, live: readonly KeyValue[]): RangeAnswer {
    return answerRange(request, live);
  }

  protected compactHistory(history: History, revision: number): void {
    history.compact(revision);
  }

  /** The checks etcd makes before a txn runs, in its order. */
  protected checkTxnRequest(txn: TxnRequest): void {
    checkTxn(txn, this.#maxTxnOps);
    checkDuplicateKeys(txn);
  }

  /**
   * Whether a nested txn takes its success branch, when the run reaches it. etcd decides
   * every nested txn on the state before the txn (`decided`), whatever the txn wrote before.
   */
  protected nestedTxnSucceeds(_txn: TxnRequest, decided: boolean, _during: History, _revision: number): boolean {
    return decided;
  }

  /** Refuses writes after a failed durable write (IO_ERROR, with the failure as its cause). */
  protected assertWritable(): void {
    if (this.#failure) throw new TidekvError('IO_ERROR', `the store refuses writes after a failed write (${this.#failure.message}); reopen it`, { cause: this.#failure });
  }

  /** Writes the whole state to the store's file (durable mode: at every commit, and on close). */
  protected writeState(state: ReferenceState): void {
    writeReferenceState(this.#dir!, state);
  }

  /** Durable mode: writes `state` before it takes effect; a failure changes nothing and poisons the store. */
  #persist(state: Omit<ReferenceState, 'leases'>): void {
    if (!this.#durable) return;
    try {
      this.writeState({ ...state, leases: this.#leases.saved() });
    } catch (error) {
      this.#failure = new TidekvError('IO_ERROR', `writing ${this.#dir}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      throw this.#failure;
    }
  }

  #commit(commit: Commit): number {
    if (!commit.changed) return this.#revision;
    this.assertWritable();
    this.#persist({ revision: commit.main, compactRevision: this.#compactRevision, changes: commit.history.changes });
    this.#history = commit.history;
    this.#revision = commit.main;
    const changes = commit.history.changes;
    let first = changes.length;
    while (first > 0 && changes[first - 1]!.main === commit.main) first--;
    this.publishChanges(changes.slice(first));
    return this.#revision;
  }

  /** Hands a commit's changes to the watch streams. */
  protected publishChanges(changes: Change[]): void {
    this.#watch.publish(changes);
  }

  /** The live keys attached to lease `id`, in key order. */
  protected attachedKeys(id: number): Uint8Array[] {
    return this.#history.liveAt(this.#revision, { kind: 'from', key: new Uint8Array(0) }).filter((kv) => kv.lease === id).map((kv) => kv.key);
  }

  /** A revoke's commit: every attached key deleted in one revision, in key order. */
  protected revokeLeaseKeys(id: number): number {
    const commit = this.createCommit();
    for (const key of this.attachedKeys(id)) commit.deleteRange({ type: 'deleteRange', key, selection: { kind: 'single', key }, prevKv: false });
    return this.#commit(commit);
  }

  #checkLease(lease: number): void {
    if (lease !== 0 && !this.#leases.exists(lease)) throw new TidekvError('LEASE_NOT_FOUND', `lease ${lease} does not exist`);
  }

  async put(key: unknown, value: unknown, options?: PutOptions): Promise<PutResponse> {
    this.#assertOpen();
    const op = parsePut(key, value, options);
    checkPut(op);
    this.#checkLease(op.lease);
    const commit = this.createCommit();
    const prevKv = commit.put(op);
    const revision = this.#commit(commit);
    return op.prevKv && prevKv ? { revision, prevKv } : { revision };
  }

  async range(key: unknown, options?: RangeOptions): Promise<RangeResponse> {
    this.#assertOpen();
    const op = parseRange(key, options);
    checkKey(op.key);
    const rev = this.#readRevision(op.revision);
    return { ...this.answerRange(op, this.#history.liveAt(rev, op.selection)), revision: this.#revision };
  }

  async deleteRange(key: unknown, options?: DeleteRangeOptions): Promise<DeleteRangeResponse> {
    this.#assertOpen();
    const op = parseDeleteRange(key, options);
    checkKey(op.key);
    const commit = this.createCommit();
    const prevKvs = commit.deleteRange(op);
    const revision = this.#commit(commit);
    return op.prevKv ? { deleted: prevKvs.length, revision, prevKvs } : { deleted: prevKvs.length, revision };
  }

  async txn(request: PublicTxnRequest): Promise<TxnResponse> {
    this.#assertOpen();
    const txn = parseTxn(request);
    this.checkTxnRequest(txn);
    // Every compare, nested ones included, sees the state before the txn.
    const decisions = new Map<TxnRequest, boolean>();
    const decide = (t: TxnRequest) => {
      const succeeded = t.compare.every((c) => this.compareHolds(c, this.#history, this.#revision));
      decisions.set(t, succeeded);
      for (const op of succeeded ? t.success : t.failure) if (op.type === 'txn') decide(op);
    };
    decide(txn);
    const taken: OpRequest[] = [];
    const walk = (t: TxnRequest) => {
      for (const op of decisions.get(t) ? t.success : t.failure) {
        if (op.type === 'txn') walk(op);
        else taken.push(op);
      }
    };
    walk(txn);
    // etcd checks every put of the chosen branches, then every range, against the state before the txn.
    for (const op of taken) {
      if (op.type !== 'put') continue;
      if ((op.ignoreValue || op.ignoreLease) && this.#history.get(op.key, this.#revision) === undefined) {
        throw new TidekvError('KEY_NOT_FOUND', 'ignoreValue / ignoreLease need the key to exist');
      }
      this.#checkLease(op.lease);
    }
    for (const op of taken) if (op.type === 'range') this.#readRevision(op.revision);
    const commit = this.createCommit();
    const run = (t: TxnRequest): { succeeded: boolean; responses: ResponseOp[] } => {
      const succeeded = t === txn ? decisions.get(t)! : this.nestedTxnSucceeds(t, decisions.get(t) ?? false, commit.history, commit.main);
      const responses = (succeeded ? t.success : t.failure).map((op): ResponseOp => {
        switch (op.type) {
          case 'put': {
            const prevKv = commit.put(op);
            return op.prevKv && prevKv ? { type: 'put', prevKv } : { type: 'put' };
          }
          case 'range':
            return { type: 'range', ...commit.range(op) };
          case 'deleteRange': {
            const prevKvs = commit.deleteRange(op);
            return op.prevKv ? { type: 'deleteRange', deleted: prevKvs.length, prevKvs } : { type: 'deleteRange', deleted: prevKvs.length };
          }
          case 'txn':
            return { type: 'txn', ...run(op) };
        }
      });
      return { succeeded, responses };
    };
    const response = run(txn);
    return { ...response, revision: this.#commit(commit) };
  }

  /** Whether `compare` holds at `revision` of `history`. */
  protected compareHolds(compare: CompareRequest, history: History, revision: number): boolean {
    const kvs = history.liveAt(revision, compare.selection);
    // A value compare on no key is false; the other targets compare a missing key as zeros.
    if (kvs.length === 0 && compare.target === 'value') return false;
    const subjects: KeyValue[] = kvs.length > 0 ? kvs : [{ key: compare.key, value: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, lease: 0 }];
    return subjects.every((kv) => {
      const order = (() => {
        switch (compare.target) {
          case 'value':
            return byteOrder(kv.value, compare.value as Uint8Array);
          case 'version':
            return Math.sign(kv.version - (compare.value as number));
          case 'create':
            return Math.sign(kv.createRevision - (compare.value as number));
          case 'mod':
            return Math.sign(kv.modRevision - (compare.value as number));
          case 'lease':
            return Math.sign(kv.lease - (compare.value as number));
        }
      })();
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
    });
  }

  async compact(revision: unknown, options?: CompactOptions): Promise<CompactResponse> {
    this.#assertOpen();
    const rev = parseRevision(revision, 'the compact revision');
    parseCompactOptions(options);
    if (rev <= this.#compactRevision) {
      throw new TidekvError('COMPACTED', `revision ${rev} is at or below the compact revision ${this.#compactRevision}`);
    }
    if (rev > this.#revision) throw new TidekvError('FUTURE_REV', `revision ${rev} is above the current revision ${this.#revision}`);
    this.assertWritable();
    if (this.#durable) {
      const compacted = this.#history.clone();
      compacted.compact(rev);
      this.#persist({ revision: this.#revision, compactRevision: rev, changes: compacted.changes });
    }
    this.#compactRevision = rev;
    this.compactHistory(this.#history, rev);
    return { revision: this.#revision };
  }

  async hashKV(revision?: unknown): Promise<HashKVResponse> {
    this.#assertOpen();
    const rev = this.#readRevision(revision === undefined ? 0 : parseRevision(revision, 'the hashKV revision'));
    return { hash: hashHistory(this.#history, rev, this.#compactRevision), revision: this.#revision, compactRevision: this.#compactRevision };
  }

  watch(key: Bytes, options?: WatchOptions): WatchStream {
    this.#assertOpen();
    return this.#watch.watch(key, options);
  }

  async leaseGrant(ttlSeconds: number, options?: LeaseGrantOptions): Promise<LeaseGrantResponse> {
    this.#assertOpen();
    return this.#leases.grant(ttlSeconds, options);
  }

  async leaseRevoke(id: number): Promise<LeaseRevokeResponse> {
    this.#assertOpen();
    return { revision: this.#leases.revoke(id) };
  }

  async leaseKeepAlive(id: number): Promise<LeaseKeepAliveResponse> {
    this.#assertOpen();
    return this.#leases.keepAlive(id);
  }

  leaseKeepAliveStream(id: number, options?: LeaseKeepAliveOptions): AsyncIterableIterator<LeaseKeepAliveResponse> {
    this.#assertOpen();
    toCount(id, 'INVALID_ARGUMENT', 'the lease id');
    const interval = options?.intervalMs;
    let first = true;
    let ended = false;
    const kv = this;
    const stream: AsyncIterableIterator<LeaseKeepAliveResponse> = {
      async next() {
        if (ended || options?.signal?.aborted) return { done: true, value: undefined };
        if (!first) await new Promise((resolve) => setTimeout(resolve, interval ?? 500));
        first = false;
        if (ended || options?.signal?.aborted) return { done: true, value: undefined };
        return { done: false, value: await kv.leaseKeepAlive(id) };
      },
      async return() {
        ended = true;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  async leaseTimeToLive(id: number, options?: LeaseTimeToLiveOptions): Promise<LeaseTimeToLiveResponse> {
    this.#assertOpen();
    return this.#leases.timeToLive(id, options);
  }

  async leases(): Promise<LeaseListResponse> {
    this.#assertOpen();
    return { leases: this.#leases.list().map((id) => ({ id })) };
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#watch.close();
    this.#leases.stop();
    if (this.#dir !== undefined) {
      this.writeState({ revision: this.#revision, compactRevision: this.#compactRevision, changes: this.#history.changes, leases: this.#leases.saved() });
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Opens a reference KV: in memory, or persisted to one file in `dir`. */
export function openReferenceKV(options: ReferenceKVOptions = {}): Promise<ReferenceKV> {
  return ReferenceKV.open(options);
}
