/**
 * MvccStore: etcd's versioned key-value store over any StorageEngine (see kv.ts for the
 * rules of each method and layout.ts for what is stored where).
 *
 * The commit path. Writes are prepared one at a time, in revision order, against the latest
 * prepared state (as etcd serializes its applies): the key index is updated at once and the
 * changes wait in `#pending`. With a WAL the commit's record is appended (concurrent commits
 * share fsyncs through the WAL's group commit; the store waits once per commit group, not
 * once per commit) and, once durable, applied to the engine in one atomic unsynced
 * `engine.write` with `meta` (revision, applied LSN) — a whole group's commits go into one
 * write. Without a WAL that write is the durable one (`sync: true`). Only then is the
 * revision published: `revision`, range and read-only txns read at the published revision,
 * so no reader ever sees a change a crash could take back. Every commit is handed, in order,
 * to the watcher group and then to the commit listeners.
 *
 * Watch and leases plug in from the side: the watcher group (watcher-group.ts) is notified
 * of every published commit and reads older history from `rev`; the lessor (lease/lessor.ts) sees every
 * prepared change in order (attachments) and writes through `#saveLeases` / `#revokeLease`,
 * commits like any other (lease records ride in the WAL record and the same engine write).
 *
 * A write or fsync failure poisons the store: the failing commit and every commit queued
 * behind it are rejected, later writes fail at once, reads keep working. Reopen to recover.
 */
import { TidekvError, isTidekvError } from '../errors.js';
import type { Keyspace, StorageEngine, WriteOp } from '../engine/types.js';
import { Lifecycle } from '../engine/lifecycle.js';
import { encodeRevisionKey, type Revision } from '../codec/revision-key.js';
import { latin1Bytes } from '../codec/bytes.js';
import { abandonWal } from '../wal/wal.js';
import { CommitLog, encodeCompaction, type LeaseOp } from './commit-log.js';
import { compactIndex, removeCompacted } from './compaction.js';
import { Compactor } from './compactor.js';
import { hashRevisions } from './hash.js';
import type { KeyTree } from './key-tree.js';
import type {
  Bytes,
  CompactOptions,
  CompactResponse,
  DeleteRangeOptions,
  DeleteRangeResponse,
  HashKVResponse,
  KV,
  KeyValue,
  PutOptions,
  PutResponse,
  RangeOptions,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  LeaseGrantOptions,
  LeaseGrantResponse,
  LeaseKeepAliveOptions,
  LeaseKeepAliveResponse,
  LeaseListResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveOptions,
  LeaseTimeToLiveResponse,
  WatchLeaseKV,
  WatchOptions,
  WatchStream,
} from './kv.js';
import { keepAliveStream } from './lease/keep-alive-stream.js';
import type { LeaseRecord } from './lease/lease.js';
import { Lessor } from './lease/lessor.js';
import { parseWatch } from './watch.js';
import { readRevisionEvents } from './watch-history.js';
import { WatcherGroup, type WatchHistory } from './watcher-group.js';
import { LEASE_KEYSPACE, META_KEYSPACE, META_KEYS, REV_KEYSPACE, copyKeyValue, encodeMetaValue, sealChange, verifyRevisionValue } from './layout.js';
import { ReplayedChanges, leaseWrites, readLeases, readMeta, rebuildIndex, replayLog } from './recovery.js';
import { assertCount, checkDeleteRange, checkPut, checkRange, checkTxn, isReadOnly, optionsObject, booleanOption, toKey, type PutRequest, type TxnRequestChecked } from './request.js';
import { resolveStoreOptions, type MvccStoreOptions, type ResolvedStoreOptions } from './store-options.js';
import { TxnRun, compacted, evaluateRange, futureRevision, type Change, type TxnHost, type ValueRef } from './txn.js';

export type { MvccStoreOptions } from './store-options.js';

/** One published commit: its revision and changes in sub-revision order. */
export interface CommitEvent {
  revision: number;
  changes: readonly Change[];
}

export type CommitListener = (commit: CommitEvent) => void;

interface QueuedCommit {
  /** undefined: the request changed nothing and only waits for the commits before it. */
  revision: number | undefined;
  /** The revision the request read at. */
  base: number;
  changes: Change[];
  /** Writes to the `lease` keyspace that go with the commit. */
  leaseOps: LeaseOp[];
  /**
   * The LSN of the commit's WAL record; 0 when it has none (no WAL, or nothing to log). The
   * commit is durable once the WAL's durableLsn reaches it.
   */
  lsn: number;
  /** What the request's run returned, and how it and the revision become the caller's response. */
  result: unknown;
  respond: Respond<unknown, unknown>;
  /** Settles with the response once the commit is published, or with the failure. */
  done: Promise<unknown>;
  resolve(response: unknown): void;
  reject(error: unknown): void;
}

/** Builds a write's response from what its run returned and the revision it made (or read at, when it changed nothing). */
type Respond<T, R> = (result: T, revision: number) => R;

/** The caller's promise of a prepared write: its commit's. */
function entryDone<R>(entry: QueuedCommit): Promise<R> {
  return entry.done as Promise<R>;
}

const NO_LEASE_OPS: LeaseOp[] = [];

function putResponse(result: { prevKv?: KeyValue }, revision: number): PutResponse {
  return result.prevKv ? { revision, prevKv: result.prevKv } : { revision };
}

function deleteRangeResponse(result: { deleted: number; prevKvs?: KeyValue[] }, revision: number): DeleteRangeResponse {
  return result.prevKvs ? { deleted: result.deleted, revision, prevKvs: result.prevKvs } : { deleted: result.deleted, revision };
}

function txnResponse(result: { succeeded: boolean; responses: TxnResponse['responses'] }, revision: number): TxnResponse {
  return { ...result, revision };
}

function revisionOnly(_result: unknown, revision: number): number {
  return revision;
}

/**
 * The executor of every commit's promise: it hands the promise's settle functions over
 * through these two variables, read right after `new Promise(captureSettlers)` returns (the
 * executor runs synchronously), so no closure is made per commit.
 */
let capturedResolve: (value: unknown) => void;
let capturedReject: (error: unknown) => void;
function captureSettlers(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

const OPEN_NAMES = ['physical'] as const;
const GRANT_NAMES = ['id'] as const;
const TIME_TO_LIVE_NAMES = ['keys'] as const;

function asTidekvError(error: unknown, what: string): TidekvError {
  if (error instanceof TidekvError) return error;
  return new TidekvError('IO_ERROR', `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

let abandon: (store: MvccStore) => void;

/** @internal Simulates a crash of `store` for tests: it stops without flushing, checkpointing or unlocking its WAL. */
export function abandonStore(store: MvccStore): void {
  abandon(store);
}

export class MvccStore implements WatchLeaseKV {
  readonly #engine: StorageEngine;
  readonly #rev: Keyspace;
  readonly #log: CommitLog | undefined;
  readonly #options: ResolvedStoreOptions;
  readonly #tree: KeyTree;
  readonly #lifecycle = new Lifecycle('MVCC store');
  /** The latest revision acknowledged to its writer: what readers see. */
  #revision: number;
  /** The latest revision prepared: what the next write builds on. */
  #latest: number;
  #compactRevision: number;
  #appliedLsn: number;
  /** Prepared but not yet applied changes, by main revision. */
  readonly #pending = new Map<number, Change[]>();
  readonly #queue: QueuedCommit[] = [];
  #draining = false;
  /** The promise of the WAL commit group the latest commit went into: the drain waits on each group once. */
  #awaitedGroup: Promise<void> | undefined;
  /** Set when a WAL commit group failed: the commits not durable by then fail with it. */
  #walFailure: TidekvError | undefined;
  /** The serial chain every write and compaction is prepared on. */
  #chain: Promise<unknown> = Promise.resolve();
  /** Tasks on the serial chain that have not settled yet. */
  #serialTasks = 0;
  /** The latest commit queued: close() waits for it (and so for every commit before it). */
  #lastCommit: QueuedCommit | undefined;
  #poison: TidekvError | undefined;
  readonly #reads = new Set<Promise<unknown>>();
  /** Read-only txns in flight: the key index must not be compacted under them. */
  readonly #readTxns = new Set<Promise<unknown>>();
  /**
   * Set while a compaction waits for the read-only txns in flight and compacts the key index:
   * new read-only txns start after it (so the wait ends, and none starts on an index about to change).
   */
  #compacting: Promise<void> | undefined;
  /** Reads that started before the latest logical compaction. */
  #readsBeforeCompaction: Promise<unknown> = Promise.resolve();
  #physical: Promise<boolean> = Promise.resolve(true);
  #closing = false;
  /** Held by hashKV and logical compaction so a hash sees one compaction state. */
  #compactionLock: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<CommitListener>();
  #checkpointing: Promise<void> | undefined;
  #checkpointTimer: NodeJS.Timeout | undefined;
  readonly #compactor: Compactor | undefined;
  readonly #host: TxnHost;
  readonly #watchers: WatcherGroup;
  readonly #lessor: Lessor;

  private constructor(parts: {
    engine: StorageEngine;
    log: CommitLog | undefined;
    options: ResolvedStoreOptions;
    tree: KeyTree;
    revision: number;
    compactRevision: number;
    appliedLsn: number;
    lessor: Lessor;
  }) {
    this.#engine = parts.engine;
    this.#rev = parts.engine.keyspace(REV_KEYSPACE);
    this.#log = parts.log;
    this.#options = parts.options;
    this.#tree = parts.tree;
    this.#revision = this.#latest = parts.revision;
    this.#compactRevision = parts.compactRevision;
    this.#appliedLsn = parts.appliedLsn;
    const store = this;
    this.#host = {
      tree: parts.tree,
      get compactRevision() {
        return store.#compactRevision;
      },
      fetch: (refs) => this.#fetch(refs),
      leaseExists: (id) => this.#lessor.exists(id),
    };
    this.#lessor = parts.lessor;
    const history: WatchHistory = {
      get compactRevision() {
        return store.#compactRevision;
      },
      readEvents: (from, to, maxEvents) => this.#read(() => readRevisionEvents(this.#rev, from, to, maxEvents)),
      readKv: (key, revision) => this.#readKv(key, revision),
    };
    this.#watchers = new WatcherGroup(history, parts.revision, this.#options.watch);
    if (this.#log && this.#options.wal && this.#options.wal.checkpointIntervalMs > 0) {
      this.#checkpointTimer = setInterval(() => {
        if (this.#log!.bytesSinceCheckpoint > 0) void this.#checkpoint().catch(() => undefined);
      }, this.#options.wal.checkpointIntervalMs).unref();
    }
    if (this.#options.compactor) this.#compactor = new Compactor(this, this.#options.compactor);
  }

  static {
    abandon = (store) => {
      store.#compactor?.stop();
      if (store.#checkpointTimer) clearInterval(store.#checkpointTimer);
      store.#closing = true;
      store.#watchers.close();
      store.#lessor.abandon();
      if (store.#log) abandonWal(store.#log.wal);
      void store.#lifecycle.close(() => undefined);
    };
  }

  /**
   * Opens a store on `engine` (already open; the store closes it on close()). With `wal`,
   * commits are durable through the write-ahead log in `wal.dir`; with `wal: false` every
   * commit is a synced engine write. Recovers: replays the log, rebuilds the key index,
   * resumes an unfinished compaction.
   */
  static async open(input: MvccStoreOptions): Promise<MvccStore> {
    const options = resolveStoreOptions(input);
    const engine = options.engine;
    const log = options.wal ? await CommitLog.open(options.wal) : undefined;
    try {
      let meta = await readMeta(engine.keyspace(META_KEYSPACE));
      let { revision, appliedLsn } = meta;
      const replayed = new ReplayedChanges();
      if (log) {
        ({ revision, appliedLsn } = await replayLog(engine, log, meta, replayed));
        meta = await readMeta(engine.keyspace(META_KEYSPACE)); // a replayed compaction record moved it
      }
      let store: MvccStore | undefined;
      const lessor = new Lessor(
        {
          saveLeases: (records) => store!.#saveLeases(records),
          revokeLease: (id, attachedKeys) => store!.#revokeLease(id, attachedKeys),
        },
        // Assigned ids start from the wall clock, so a revoked lease's id is not handed out again after a reopen.
        { ...options.lease, idBase: Math.floor(Date.now()) * 1000 },
      );
      lessor.recover(await readLeases(engine.keyspace(LEASE_KEYSPACE)));
      // Re-attach each key to the lease its latest record names (stored changes replayed in order).
      const { tree, lastRevision } = await rebuildIndex(
        engine.keyspace(REV_KEYSPACE),
        (tombstone, lease, image) => {
          if (lease === 0 && !lessor.hasAttachments) return;
          if (tombstone) lessor.applyDelete(latin1Bytes(image));
          else lessor.applyPut(latin1Bytes(image), lease);
        },
        replayed,
      );
      replayed.clear();
      const current = Math.max(revision, lastRevision, meta.scheduledCompact, 1);
      if (meta.scheduledCompact >= 0) compactIndex(tree, meta.scheduledCompact);
      store = new MvccStore({ engine, log, options, tree, revision: current, compactRevision: meta.scheduledCompact, appliedLsn, lessor });
      if (meta.scheduledCompact > meta.finishedCompact) store.#startPhysical(meta.scheduledCompact);
      lessor.start();
      return store;
    } catch (error) {
      await log?.wal.close().catch(() => undefined);
      throw error;
    }
  }

  get revision(): number {
    return this.#revision;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  /** The automatic compactor, when the store was opened with one. */
  get compactor(): Pick<Compactor, 'pause' | 'resume' | 'paused' | 'options'> | undefined {
    return this.#compactor;
  }

  /** True after a failed write: the store refuses writes until reopened. */
  get poisoned(): boolean {
    return this.#poison !== undefined;
  }

  /** Calls `listener` with every published commit, in revision order. Returns an unsubscribe function. */
  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // --- reads ------------------------------------------------------------------------------

  /**
   * Verified KeyValues at `refs`: unapplied ones from #pending, the rest from the engine —
   * synchronously when the engine reads synchronously.
   */
  #fetch(refs: readonly ValueRef[]): KeyValue[] | Promise<KeyValue[]> {
    const out: KeyValue[] = new Array(refs.length);
    const rev = this.#rev;
    if (rev.getSync) {
      for (let i = 0; i < refs.length; i++) out[i] = this.#fetchSync(refs[i]!.index.image, refs[i]!.revision);
      return out;
    }
    const keys: Uint8Array[] = [];
    const slots: number[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const pending = this.#pendingKv(ref.revision);
      if (pending) {
        out[i] = pending;
      } else {
        keys.push(encodeRevisionKey(ref.revision));
        slots.push(i);
      }
    }
    if (keys.length === 0) return out;
    return rev.getMany(keys).then((values) => {
      for (let j = 0; j < keys.length; j++) out[slots[j]!] = this.#verify(refs[slots[j]!]!.index.image, refs[slots[j]!]!.revision, keys[j]!, values[j]);
      return out;
    });
  }

  /** A copy of the KeyValue at `revision` when it is prepared but not yet applied to the engine. */
  #pendingKv(revision: Revision): KeyValue | undefined {
    const pending = revision.main > this.#revision ? this.#pending.get(revision.main) : undefined;
    return pending ? copyKeyValue(pending[revision.sub]!.kv) : undefined;
  }

  /** The verified KeyValue at `revision` of the key whose latin1 image is `image`, on an engine with getSync. */
  #fetchSync(image: string, revision: Revision): KeyValue {
    const pending = this.#pendingKv(revision);
    if (pending) return pending;
    const storageKey = encodeRevisionKey(revision);
    return this.#verify(image, revision, storageKey, this.#rev.getSync!(storageKey));
  }

  #verify(image: string, revision: Revision, storageKey: Uint8Array, value: Uint8Array | undefined): KeyValue {
    if (value === undefined) {
      throw new TidekvError('CORRUPTION', `MVCC store: revision ${revision.main}.${revision.sub} of a live key is missing from the engine`, {
        details: { revision: revision.main, sub: revision.sub, key: latin1Bytes(image) },
      });
    }
    return verifyRevisionValue(storageKey, revision, false, value, image);
  }

  #rejectIfClosed(): Promise<never> | undefined {
    return this.#lifecycle.isOpen ? undefined : Promise.reject(this.#lifecycle.closedError());
  }

  /** Runs a read, tracked so physical compaction never removes what it still needs. */
  #read<T>(run: () => T | Promise<T>): Promise<T> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    return this.#track(run);
  }

  /** #read for a read already accepted: tracked, whether or not close() has begun. */
  #track<T>(run: () => T | Promise<T>): Promise<T> {
    let result: T | Promise<T>;
    try {
      result = run();
    } catch (error) {
      return Promise.reject(error);
    }
    // A read that finished synchronously cannot overlap a physical compaction.
    if (!(result instanceof Promise)) return Promise.resolve(result);
    const promise = result;
    this.#reads.add(promise);
    const done = () => this.#reads.delete(promise);
    promise.then(done, done);
    return promise;
  }

  range(key: Bytes, options?: RangeOptions): Promise<RangeResponse> {
    if (options === undefined && this.#rev.getSync) return this.#rangeKey(key);
    return this.#read(() => {
      const request = checkRange(key, options, 'range', false);
      const current = this.#revision;
      if (request.revision > current) throw futureRevision(request.revision, current);
      const at = request.revision > 0 ? request.revision : current;
      if (at < this.#compactRevision) throw compacted(at, this.#compactRevision);
      const result = evaluateRange(this.#host, request, at);
      return result instanceof Promise ? result.then((r) => ({ ...r, revision: current })) : { ...result, revision: current };
    });
  }

  /**
   * range(key) with no options on an engine that reads synchronously: the common point read,
   * answered with one index lookup, one engine read and no intermediate request or result
   * objects. The same checks and answers as the general path.
   */
  #rangeKey(key: Bytes): Promise<RangeResponse> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    try {
      const checked = toKey(key, 'range key', false);
      const current = this.#revision;
      if (current < this.#compactRevision) throw compacted(current, this.#compactRevision);
      const index = this.#tree.get(checked);
      const modified = index?.modifiedAt(current);
      if (modified === undefined) return Promise.resolve({ kvs: [], count: 0, more: false, revision: current });
      return Promise.resolve({ kvs: [this.#fetchSync(index!.image, modified)], count: 1, more: false, revision: current });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // --- writes -----------------------------------------------------------------------------

  #assertWritable(): void {
    this.#lifecycle.assertOpen();
    this.#assertNotPoisoned();
  }

  #assertNotPoisoned(): void {
    if (this.#poison) {
      throw new TidekvError(this.#poison.code, `MVCC store refuses writes after a failed commit (${this.#poison.message}); reopen it`, {
        cause: this.#poison,
      });
    }
  }

  /** Runs `task` on the serial chain. */
  #serial<T>(task: () => T | Promise<T>): Promise<T> {
    this.#serialTasks++;
    const run = this.#chain.then(task);
    this.#chain = run.then(this.#serialTaskDone, this.#serialTaskDone);
    return run;
  }

  readonly #serialTaskDone = (): void => {
    this.#serialTasks--;
  };

  /**
   * #prepare on the serial chain, at once (synchronously) when nothing is on it: a write
   * whose preparation needs no await (a put, on an engine that reads synchronously) then
   * costs no promise hop and no closure. A preparation that does await holds the chain until
   * it settles, so later tasks still run after it, in order. Preparing never starts another
   * serial task synchronously.
   */
  #prepareInOrder<T, R>(run: (txn: TxnRun) => T | Promise<T>, respond: Respond<T, R>, leaseOps: (() => LeaseOp[]) | undefined): QueuedCommit | Promise<QueuedCommit> {
    if (this.#serialTasks > 0) return this.#serial(() => this.#prepare(run, respond, leaseOps));
    this.#serialTasks++;
    let result: QueuedCommit | Promise<QueuedCommit>;
    try {
      result = this.#prepare(run, respond, leaseOps);
    } catch (error) {
      this.#serialTasks--;
      throw error;
    }
    if (result instanceof Promise) this.#chain = result.then(this.#serialTaskDone, this.#serialTaskDone);
    else this.#serialTasks--;
    return result;
  }

  /**
   * Prepares a write on the serial chain, queues it for durability and resolves once it is
   * published, with respond(what the run returned, the revision it made or read at, when it
   * changed nothing). On the common path (a put prepared at once) that promise is the only
   * one the write makes.
   */
  #write<T, R>(
    run: (txn: TxnRun) => T | Promise<T>,
    respond: Respond<T, R>,
    leaseOps?: () => LeaseOp[],
    /** The lessor's own writes: allowed while close() checkpoints leases. */
    internal = false,
  ): Promise<R> {
    try {
      if (internal) this.#assertNotPoisoned();
      else this.#assertWritable();
      const prepared = this.#prepareInOrder(run, respond, leaseOps);
      return prepared instanceof Promise ? prepared.then(entryDone<R>) : entryDone<R>(prepared);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs `run` on a new TxnRun at the latest prepared revision and queues its commit; undone exactly when anything fails. */
  #prepare<T, R>(run: (txn: TxnRun) => T | Promise<T>, respond: Respond<T, R>, leaseOps: (() => LeaseOp[]) | undefined): QueuedCommit | Promise<QueuedCommit> {
    // Accepted before close(): close waits for it. Only a poisoned store refuses it now.
    if (this.#poison) this.#assertWritable();
    const base = this.#latest;
    const txn = new TxnRun(this.#host, base, true);
    let result: T | Promise<T>;
    try {
      result = run(txn);
    } catch (error) {
      txn.rollback();
      throw error;
    }
    if (!(result instanceof Promise)) return this.#queuePrepared(txn, base, result, respond, leaseOps);
    return result.then(
      (value) => this.#queuePrepared(txn, base, value, respond, leaseOps),
      (error: unknown) => {
        txn.rollback();
        throw error;
      },
    );
  }

  #queuePrepared<T, R>(txn: TxnRun, base: number, result: T, respond: Respond<T, R>, leaseOps: (() => LeaseOp[]) | undefined): QueuedCommit {
    let leases: LeaseOp[];
    let lsn = 0;
    try {
      leases = leaseOps?.() ?? NO_LEASE_OPS;
      if (this.#log && (txn.changes.length > 0 || leases.length > 0)) {
        this.#checkSizes(txn.changes);
        // Seals each change as it encodes the record: the engine write reuses those bytes.
        lsn = this.#log.appendCommit(this.#log.encode(txn.changes.length > 0 ? base + 1 : 0, txn.changes, leases));
        const group = this.#log.groupSettled();
        if (group !== this.#awaitedGroup) {
          this.#awaitedGroup = group;
          group.then(this.#groupDurable, this.#groupFailed);
        }
      } else if (txn.changes.length > 0) {
        this.#checkSizes(txn.changes);
      }
    } catch (error) {
      txn.rollback();
      throw error;
    }
    // Attachments follow the prepared order, before any later write is prepared.
    if (txn.changes.length > 0) this.#lessor.applyChanges(txn.changes);
    return this.#enqueue(base, txn.changes, lsn, leases, result, respond as Respond<unknown, unknown>);
  }

  readonly #groupDurable = (): void => this.#kick();

  readonly #groupFailed = (error: unknown): void => {
    this.#walFailure ??= asTidekvError(error, 'WAL append');
    this.#kick();
  };

  #checkSizes(changes: readonly Change[]): void {
    const max = this.#engine.capabilities.maxValueSize;
    for (const change of changes) {
      const size = 41 + change.kv.key.length + change.kv.value.length;
      if (size > max) {
        throw new TidekvError('VALUE_TOO_LARGE', `a stored KeyValue would be ${size} bytes; the engine takes at most ${max}`, {
          details: { size, max, key: change.kv.key },
        });
      }
    }
  }

  #enqueue(base: number, changes: Change[], lsn: number, leaseOps: LeaseOp[], result: unknown, respond: Respond<unknown, unknown>): QueuedCommit {
    const revision = changes.length > 0 ? base + 1 : undefined;
    const done = new Promise(captureSettlers);
    const entry: QueuedCommit = { revision, base, changes, leaseOps, lsn, result, respond, done, resolve: capturedResolve, reject: capturedReject };
    // Commits publish in order (or all fail), so close() waits for the latest one.
    this.#lastCommit = entry;
    if (revision !== undefined) {
      this.#latest = revision;
      this.#pending.set(revision, changes);
    }
    this.#queue.push(entry);
    // A commit with a WAL record waits for its group (#groupDurable); one without may be ready now.
    if (lsn === 0) this.#kick();
    return entry;
  }

  #kick(): void {
    if (!this.#draining) void this.#drain();
  }

  /**
   * Applies the durable commits at the head of the queue to the engine in order, all of them
   * in one write (with a WAL: a whole commit group, and any groups that became durable
   * meanwhile), then publishes them.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0 && !this.#poison) {
        const durableLsn = this.#log ? this.#log.wal.durableLsn : Number.POSITIVE_INFINITY;
        let ready = 0;
        while (ready < this.#queue.length && this.#queue[ready]!.lsn <= durableLsn) ready++;
        if (ready === 0) {
          if (this.#walFailure) this.#poisonWith(this.#walFailure);
          return;
        }
        const batch = this.#queue.splice(0, ready);
        const ops: WriteOp[] = [];
        let lastRevision = 0;
        let lastLsn = 0;
        for (const commit of batch) {
          if (commit.lsn > 0) lastLsn = commit.lsn;
          if (commit.leaseOps.length > 0) for (const op of leaseWrites(commit.leaseOps)) ops.push(op);
          if (commit.revision === undefined) continue;
          for (const change of commit.changes) {
            const value = sealChange(change);
            ops.push({ type: 'put', keyspace: REV_KEYSPACE, key: change.storageKey!, value });
          }
          lastRevision = commit.revision;
        }
        if (ops.length > 0) {
          if (lastRevision > 0) ops.push({ type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.revision, value: encodeMetaValue('revision', lastRevision) });
          if (this.#log && lastLsn > 0) ops.push({ type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.appliedLsn, value: encodeMetaValue('appliedLsn', lastLsn) });
          try {
            await this.#engine.write(ops, { sync: !this.#log });
          } catch (error) {
            this.#queue.unshift(...batch);
            return this.#poisonWith(asTidekvError(error, 'engine write'));
          }
          if (this.#log) this.#appliedLsn = lastLsn;
        }
        for (const commit of batch) this.#publish(commit);
        if (this.#log && this.#options.wal && this.#log.bytesSinceCheckpoint >= this.#options.wal.checkpointBytes) void this.#checkpoint().catch(() => undefined);
      }
    } finally {
      this.#draining = false;
    }
  }

  #publish(commit: QueuedCommit): void {
    if (commit.revision !== undefined) {
      this.#revision = commit.revision;
      this.#pending.delete(commit.revision);
      // Watchers first, then the other listeners (an event object only when there are any).
      // A listener's failure is its own: the commit is already durable.
      try {
        this.#watchers.notify(commit.revision, commit.changes);
      } catch {
        // ignored, as below
      }
      if (this.#listeners.size > 0) {
        const event: CommitEvent = { revision: commit.revision, changes: commit.changes };
        for (const listener of this.#listeners) {
          try {
            listener(event);
          } catch {
            // ignored
          }
        }
      }
    }
    commit.resolve(commit.respond(commit.result, commit.revision ?? commit.base));
  }

  #poisonWith(error: TidekvError): void {
    this.#poison ??= error;
    for (const commit of this.#queue.splice(0)) commit.reject(error);
  }

  /**
   * Flushes the engine, then lets the WAL drop what the engine now holds durably. An engine
   * that keeps nothing across a restart (not persistent) never holds anything durably: then
   * the log is the only copy and is never truncated, and reopening replays all of it.
   */
  #checkpoint(): Promise<void> {
    if (!this.#engine.capabilities.persistent) return Promise.resolve();
    if (this.#checkpointing) return this.#checkpointing;
    const log = this.#log!;
    const lsn = this.#appliedLsn;
    const bytes = log.bytesSinceCheckpoint;
    this.#checkpointing = (async () => {
      try {
        await this.#engine.flush();
        await log.wal.checkpoint(lsn);
        log.bytesSinceCheckpoint -= bytes;
      } catch (error) {
        this.#poisonWith(asTidekvError(error, 'checkpoint'));
        throw error;
      } finally {
        this.#checkpointing = undefined;
      }
    })();
    return this.#checkpointing;
  }

  put(key: Bytes, value: Bytes, options?: PutOptions): Promise<PutResponse> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    let request: PutRequest;
    try {
      request = checkPut(key, value, options);
    } catch (error) {
      return Promise.reject(error);
    }
    // Synchronous unless the put needs the key's current value from an engine without getSync.
    return this.#write((txn) => {
      txn.checkPut(request, true);
      return txn.put(request);
    }, putResponse);
  }

  async deleteRange(key: Bytes, options?: DeleteRangeOptions): Promise<DeleteRangeResponse> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    const request = checkDeleteRange(key, options);
    return this.#write((txn) => txn.deleteRange(request), deleteRangeResponse);
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    const checked = checkTxn(request, this.#options.maxTxnOps);
    if (isReadOnly(checked)) return this.#readTxn(checked);
    return this.#write((txn) => txn.txn(checked), txnResponse);
  }

  /**
   * Reads only: run at the published revision, beside the writers. Its ops read the key index
   * one after another, across engine reads, so the index must not be compacted until it ends:
   * a compaction waits for it, and one that is waiting holds new ones back (as etcd's
   * compaction takes the store lock its read transactions hold, new readers queueing behind).
   */
  #readTxn(checked: TxnRequestChecked): Promise<TxnResponse> {
    // Accepted before close(): a txn held back by a compaction still runs.
    if (this.#compacting) return this.#compacting.then(() => this.#readTxn(checked));
    const read = this.#track(async () => {
      const base = this.#revision;
      const result = await new TxnRun(this.#host, base, false).txn(checked);
      return { ...result, revision: base };
    });
    this.#readTxns.add(read);
    const done = () => this.#readTxns.delete(read);
    read.then(done, done);
    return read;
  }

  // --- compaction and hashing -------------------------------------------------------------

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#compactionLock.then(task);
    this.#compactionLock = run.catch(() => undefined);
    return run;
  }

  async compact(revision: number, options?: CompactOptions): Promise<CompactResponse> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    assertCount(revision, 'compact revision');
    const physical = booleanOption(optionsObject(options, 'compact options', OPEN_NAMES), 'physical');
    const { removal } = await this.#exclusive(() =>
      this.#serial(async () => {
        if (this.#poison) this.#assertWritable();
        if (revision <= this.#compactRevision) throw compacted(revision, this.#compactRevision);
        if (revision > this.#revision) throw futureRevision(revision, this.#revision);
        try {
          // In the log too: an engine that keeps nothing learns its compactions by replay.
          if (this.#log) await this.#log.append(encodeCompaction(revision));
          await this.#engine.write(
            [{ type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.scheduledCompact, value: encodeMetaValue('scheduledCompact', revision) }],
            { sync: true },
          );
        } catch (error) {
          const failure = asTidekvError(error, 'compaction');
          this.#poisonWith(failure);
          throw failure;
        }
        // Read-only txns that started before now (during the write too) finish on the whole
        // index; no await between the last check and compactIndex, so none slips in.
        let open!: () => void;
        this.#compacting = new Promise<void>((resolve) => (open = resolve));
        try {
          while (this.#readTxns.size > 0) await Promise.allSettled([...this.#readTxns]);
          this.#compactRevision = revision;
          compactIndex(this.#tree, revision);
          this.#readsBeforeCompaction = Promise.allSettled([...this.#reads]);
        } finally {
          this.#compacting = undefined;
          open();
        }
        // Wrapped: returning the promise itself would make the chain wait for the removal.
        return { removal: this.#startPhysical(revision) };
      }),
    );
    if (physical) await removal;
    return { revision: this.#revision };
  }

  /** Queues the physical removal for `revision` behind any running one. */
  #startPhysical(revision: number): Promise<boolean> {
    const run = this.#physical.then(() =>
      removeCompacted({
        engine: this.#engine,
        tree: this.#tree,
        revision,
        batchSize: this.#options.compactionBatchSize,
        pauseMs: this.#options.compactionPauseMs,
        readsDone: () => this.#readsBeforeCompaction,
        stopped: () => this.#closing,
      }),
    );
    // A failed removal is retried by the next compaction or the next open.
    this.#physical = run.catch(() => false);
    return run;
  }

  hashKV(revision?: number): Promise<HashKVResponse> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    try {
      if (revision !== undefined) assertCount(revision, 'hashKV revision');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#exclusive(() =>
      this.#read(async () => {
        const current = this.#revision;
        const compactRevision = this.#compactRevision;
        const at = revision || current;
        if (revision && revision < compactRevision) throw compacted(revision, compactRevision);
        if (at > current) throw futureRevision(at, current);
        const hash = await hashRevisions(this.#rev, this.#tree, at, compactRevision);
        return { hash, revision: current, compactRevision };
      }),
    );
  }

  // --- watch ------------------------------------------------------------------------------

  watch(key: Bytes, options?: WatchOptions): WatchStream {
    this.#lifecycle.assertOpen();
    return this.#watchers.watch(parseWatch(key, options));
  }

  /** The key's KeyValue at `revision` for a watch's prevKv; undefined when absent or compacted. */
  async #readKv(key: Uint8Array, revision: number): Promise<KeyValue | undefined> {
    try {
      return (await this.range(key, { revision })).kvs[0];
    } catch (error) {
      if (isTidekvError(error, 'COMPACTED')) return undefined;
      throw error;
    }
  }

  // --- leases -----------------------------------------------------------------------------

  leaseGrant(ttlSeconds: number, options?: LeaseGrantOptions): Promise<LeaseGrantResponse> {
    return this.#lease(() => {
      const id = optionsObject(options, 'leaseGrant options', GRANT_NAMES).id ?? 0;
      return this.#lessor.grant(ttlSeconds, id as number);
    });
  }

  leaseRevoke(id: number): Promise<LeaseRevokeResponse> {
    return this.#lease(async () => ({ revision: await this.#lessor.revoke(id) }));
  }

  leaseKeepAlive(id: number): Promise<LeaseKeepAliveResponse> {
    return this.#lease(() => this.#lessor.keepAlive(id));
  }

  leaseKeepAliveStream(id: number, options?: LeaseKeepAliveOptions): AsyncIterableIterator<LeaseKeepAliveResponse> {
    this.#lifecycle.assertOpen();
    assertCount(id, 'lease id');
    return keepAliveStream(() => this.leaseKeepAlive(id), options);
  }

  leaseTimeToLive(id: number, options?: LeaseTimeToLiveOptions): Promise<LeaseTimeToLiveResponse> {
    return this.#lease(async () => {
      const keys = booleanOption(optionsObject(options, 'leaseTimeToLive options', TIME_TO_LIVE_NAMES), 'keys');
      return this.#lessor.timeToLive(id, keys);
    });
  }

  leases(): Promise<LeaseListResponse> {
    return this.#lease(async () => ({ leases: this.#lessor.list().map((id) => ({ id })) }));
  }

  #lease<T>(run: () => Promise<T>): Promise<T> {
    const closed = this.#rejectIfClosed();
    if (closed) return closed;
    try {
      return run();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The lessor's grant and checkpoint writes: lease records only, no revision. */
  async #saveLeases(records: LeaseRecord[]): Promise<void> {
    await this.#write(async () => undefined, revisionOnly, () => records.map((record) => ({ type: 'put', record })), true);
  }

  /** One commit: a delete of every key attached when it applies (one revision, key order) and of the lease record. */
  async #revokeLease(id: number, attachedKeys: () => Uint8Array[]): Promise<number> {
    return this.#write(
      async (txn) => {
        for (const key of attachedKeys()) await txn.deleteRange({ type: 'deleteRange', range: { key, end: undefined, rawEnd: undefined }, prevKv: false });
      },
      revisionOnly,
      () => [{ type: 'delete', id }],
      true,
    );
  }

  // --- lifecycle --------------------------------------------------------------------------

  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      this.#compactor?.stop();
      this.#watchers.close();
      // Remaining TTLs are checkpointed so a reopen resumes them (a poisoned store cannot write them).
      await this.#lessor.close().catch(() => this.#lessor.abandon());
      if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
      await this.#compactionLock;
      await this.#chain;
      await this.#lastCommit?.done.catch(() => undefined);
      await Promise.allSettled([...this.#reads]);
      this.#closing = true;
      await this.#physical;
      try {
        if (this.#log) {
          await this.#checkpointing?.catch(() => undefined);
          if (!this.#poison && !this.#log.wal.poisoned) await this.#checkpoint().catch(() => undefined);
          await this.#log.wal.close();
        }
      } finally {
        await this.#engine.close();
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

