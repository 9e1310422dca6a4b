/**
 * Writes go through lmdb-js's asynchronous write queue: it applies operations in call order
 * and commits everything queued in one event turn as one LMDB transaction on its writer
 * thread, so un-awaited puts cost one commit per turn, not one per put, and the event loop
 * never waits for a commit.
 *
 * - `put`, `del`, `clear()` of a whole keyspace: one queued operation each.
 * - `write(ops)` without range deletes: one `batch`, so the ops share one transaction.
 * - `write(ops)` with range deletes: one child transaction run on this thread inside the
 *   next queued commit (the keys to delete must be read inside the transaction that deletes
 *   them, after the earlier ops of the batch); `strictAsyncOrder` keeps it in call order
 *   with the other queued operations, and being a child transaction it rolls back whole.
 *
 * lmdb-js reads a queued value (and a transaction callback's keys) only when the commit
 * runs, so they are copied at call time: callers may reuse their buffers at once.
 *
 * Durability: the environment runs with lmdb-js's overlapping sync, so each commit is
 * synced by the writer thread after it becomes visible, and a crash at any point leaves the
 * last synced state intact. A promise resolves when its commit is visible; `flush()` waits
 * for every queued write and then for `mdb_env_sync` (lmdb-js `env.sync`, off the main
 * thread); `{ sync: true }` is a write followed by that flush.
 *
 * With `durability: 'flush'` (no sync per commit) a write made while nothing is queued
 * commits at once on this thread (`putSync` / `removeSync` / `transactionSync`): a commit
 * without fsync costs a few microseconds, far less than a round trip to the writer thread,
 * and nothing queued can be overtaken.
 *
 * Under overlapping sync ('commit') that path fsyncs on the calling thread, so it is taken only
 * by a `{ sync: true }` write, whose caller waits for that fsync anyway, and only by the first
 * one of a synchronous run of code: it is durable when it returns (`putSync` / `removeSync` sync
 * inside their commit under overlapping sync, `transactionSync` commits with a full sync),
 * which saves the two thread round trips of a queued commit followed by `flush()` (a sync
 * put took 300-400 µs that way against 200-260 µs for the raw library's `putSync`, measured
 * on 2 shared cores). Sync writes issued together (before the next microtask, e.g. several
 * un-awaited puts) queue behind it and share one commit and one flush.
 */
import type { NormalizedRange, ResolvedWriteOp } from '@tidekv/core';
import { commitFailure } from './commit-failures.js';
import { toTidekvError } from './errors.js';
import { toLmdbRange } from './range.js';
import { copyOut } from '@tidekv/core';
import type { Env, Store } from './types.js';

const DELETE_CHUNK = 1024;

const resolved = Promise.resolve();
const ignore = (): void => undefined;

function copyOp(op: ResolvedWriteOp): ResolvedWriteOp {
  if (op.type === 'put') return { ...op, key: copyOut(op.key), value: copyOut(op.value) };
  if (op.type === 'del') return { ...op, key: copyOut(op.key) };
  const { lower, upper } = op.range;
  return {
    ...op,
    range: {
      ...op.range,
      lower: lower && { key: copyOut(lower.key), inclusive: lower.inclusive },
      upper: upper && { key: copyOut(upper.key), inclusive: upper.inclusive },
    },
  };
}

/** Deletes a range inside the running write transaction, which sees its own earlier writes. */
function deleteRange(store: Store, range: NormalizedRange): void {
  if (range.empty) return;
  if (range.lower === undefined && range.upper === undefined) {
    store.clearSync(); // inside a transaction: empties the database in that transaction
    return;
  }
  const bounds = { ...toLmdbRange({ ...range, reverse: false }), limit: DELETE_CHUNK, values: false };
  for (;;) {
    // Collect first, then delete: never delete under an open cursor.
    const keys: Uint8Array[] = [];
    for (const key of store.getKeys(bounds)) keys.push(key);
    for (const key of keys) store.removeSync(key);
    if (keys.length < DELETE_CHUNK) return;
  }
}

/** Applies resolved ops inside the current write transaction, in order. */
function applyInTransaction(ops: readonly ResolvedWriteOp[], stores: readonly Store[]): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.type === 'put') stores[i]!.putSync(op.key, op.value);
    else if (op.type === 'del') stores[i]!.removeSync(op.key);
    else deleteRange(stores[i]!, op.range);
  }
}

/** A queued write failed: report the real cause of a failed commit (see commit-failures.ts). */
const failed = async (error: unknown): Promise<never> => {
  throw toTidekvError(await commitFailure(error), 'write');
};

export class Writer {
  /** The most recently queued write; queued writes settle in order. */
  #lastQueued: Promise<void> = resolved;
  /** Queued writes not yet settled: an immediate commit may only run when this is 0. */
  #inFlight = 0;
  readonly #settle = (): void => {
    this.#inFlight--;
  };
  /** 'commit' durability: a sync write already committed on this thread since the last microtask. */
  #syncCommittedNow = false;
  readonly #endRun = (): void => {
    this.#syncCommittedNow = false;
  };

  /** `immediate`: commit on this thread when nothing is queued (durability 'flush': commits are not synced). */
  constructor(
    private readonly env: Env,
    private readonly immediate: boolean,
  ) {}

  /**
   * lmdb-js starts each event turn's batch with a write promise of its own that nobody can
   * reach but `env.committed`, which is that promise once lmdb-js's end-of-turn task has run.
   * A handler is attached to it right after that task, so a failed commit (a full disk)
   * never leaves it unhandled, which would end the process. Its failure reaches the
   * caller through the caller's own write.
   */
  #handlerScheduled = false;
  readonly #handleTurnCommit = (): void => {
    this.#handlerScheduled = false;
    this.env.committed.then(ignore, ignore);
  };

  #queue(commit: Promise<unknown>, sync: boolean): Promise<void> {
    if (!this.#handlerScheduled) {
      this.#handlerScheduled = true;
      setImmediate(this.#handleTurnCommit);
    }
    this.#inFlight++;
    const done = commit.then(ignore, failed);
    done.then(this.#settle, this.#settle);
    this.#lastQueued = done;
    return sync ? done.then(() => this.flush()) : done;
  }

  /** True when a write may commit synchronously now without overtaking a queued one (see the file comment). */
  #canCommitNow(sync: boolean): boolean {
    if (this.#inFlight !== 0) return false;
    if (this.immediate) return true;
    if (!sync || this.#syncCommittedNow) return false;
    this.#syncCommittedNow = true;
    queueMicrotask(this.#endRun);
    return true;
  }

  /**
   * Runs a synchronous commit. Returns undefined when the write is done (as durable as asked:
   * under overlapping sync the commit synced itself), else the flush it still needs. A failure
   * throws, as a queued write rejects.
   */
  #commitNow(commit: () => unknown, sync: boolean): Promise<void> | undefined {
    try {
      commit();
    } catch (error) {
      throw toTidekvError(error, 'write');
    }
    return sync && this.immediate ? this.flush() : undefined;
  }

  /** Every write issued so far is committed and synced to disk once this resolves. */
  flush(): Promise<void> {
    // A failed write was never acknowledged: sync whatever did commit either way.
    return this.#lastQueued.then(this.#sync, this.#sync);
  }

  readonly #sync = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.env.sync((error) => (error ? reject(toTidekvError(error, 'flush')) : resolve()));
    });

  put(store: Store, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> | undefined {
    if (this.#canCommitNow(sync)) return this.#commitNow(() => store.putSync(key, value), sync);
    return this.#queue(store.put(key, copyOut(value)), sync);
  }

  del(store: Store, key: Uint8Array, sync: boolean): Promise<void> | undefined {
    if (this.#canCommitNow(sync)) return this.#commitNow(() => store.removeSync(key), sync);
    return this.#queue(store.remove(key), sync);
  }

  /** `clear()` of a whole keyspace: one queued operation. */
  clearAll(store: Store, sync: boolean): Promise<void> {
    return this.#queue(store.clearAsync(), sync);
  }

  /** `stores[i]` is the database of `ops[i]`'s keyspace. All or nothing. */
  write(ops: readonly ResolvedWriteOp[], stores: readonly Store[], sync: boolean): Promise<void> | undefined {
    if (this.#canCommitNow(sync)) {
      // One write transaction on this thread: a throw aborts it whole.
      return this.#commitNow(() => this.env.transactionSync(() => applyInTransaction(ops, stores)), sync);
    }
    let ranges = false;
    for (const op of ops) if (op.type === 'delRange' && !op.range.empty) ranges = true;
    if (!ranges) {
      return this.#queue(
        this.env.batch(() => {
          for (let i = 0; i < ops.length; i++) {
            const op = ops[i]!;
            if (op.type === 'put') stores[i]!.put(op.key, copyOut(op.value));
            else if (op.type === 'del') stores[i]!.remove(op.key);
          }
        }),
        sync,
      );
    }
    // The callback runs later, when the queued commit starts: copy what it will read.
    const copies = ops.map(copyOp);
    return this.#queue(
      this.env.childTransaction(() => applyInTransaction(copies, stores)),
      sync,
    );
  }
}
