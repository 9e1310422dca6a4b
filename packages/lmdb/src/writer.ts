/**
 * Writes. Two lmdb-js paths, chosen per call so that operations always apply in call order:
 *
 * - Queued: lmdb-js's asynchronous write queue applies operations in call order and commits
 *   everything queued in one event turn as one LMDB transaction on its writer thread, so
 *   un-awaited puts cost one commit per turn, not one per put. `put`, `del` and `clear()`
 *   of a whole keyspace always go this way. lmdb-js reads a queued value's bytes only when
 *   it commits, so values are copied at call time.
 * - Immediate: `write(ops)` runs one `transactionSync` when none of this engine's queued
 *   writes is still pending: the ops apply and commit before `write` returns (its fastest
 *   path, and keys to delete for a range are read inside the same transaction, after the
 *   earlier ops of the batch). With queued writes pending, an immediate transaction would
 *   overtake them, so `write(ops)` queues too: as one `batch`, or, when it deletes ranges,
 *   as one child transaction run inside the next queued commit (`strictAsyncOrder` keeps
 *   it in call order; being a child transaction it rolls back as a whole).
 *
 * Commits never fsync inline. Durability comes from `mdb_env_sync` (lmdb-js `env.sync`, on
 * a libuv thread): `flush()` waits for every queued write to commit and then syncs, so it
 * covers both paths; `{ sync: true }` is a write followed by that flush.
 */
import type { NormalizedRange, ResolvedWriteOp } from '@tidekv/core';
import { toTidekvError } from './errors.js';
import { toLmdbRange } from './range.js';
import { copyBytes } from './copy.js';
import type { Env, Store } from './lmdb-types.js';

const DELETE_CHUNK = 1024;
/** lmdb-js transaction flags: abortable (rolled back if the callback throws), no inline fsync. */
const TXN_ABORTABLE = 0x1;
const TXN_NO_SYNC = 0x10000;
const IMMEDIATE_FLAGS = TXN_ABORTABLE | TXN_NO_SYNC;

const resolved = Promise.resolve();
const ignore = (): void => undefined;

function copyOp(op: ResolvedWriteOp): ResolvedWriteOp {
  if (op.type === 'put') return { ...op, key: copyBytes(op.key), value: copyBytes(op.value) };
  if (op.type === 'del') return { ...op, key: copyBytes(op.key) };
  const { lower, upper } = op.range;
  return {
    ...op,
    range: {
      ...op.range,
      lower: lower && { key: copyBytes(lower.key), inclusive: lower.inclusive },
      upper: upper && { key: copyBytes(upper.key), inclusive: upper.inclusive },
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

export class Writer {
  /** Queued writes not yet settled: while any is, an immediate transaction would overtake it. */
  #pending = 0;
  /** Settles after the most recently queued write (queued writes settle in order). */
  #lastQueued: Promise<void> = resolved;
  readonly #settled = (): void => {
    this.#pending--;
  };
  readonly #failed = (error: unknown): never => {
    this.#pending--;
    throw toTidekvError(error, 'write');
  };

  constructor(private readonly env: Env) {}

  #queue(commit: Promise<unknown>, sync: boolean): Promise<void> {
    this.#pending++;
    const done = commit.then(this.#settled, this.#failed);
    this.#lastQueued = done.then(ignore, ignore);
    return sync ? done.then(() => this.flush()) : done;
  }

  /** Every write issued so far is committed and synced to disk once this resolves. */
  flush(): Promise<void> {
    return this.#lastQueued.then(
      () =>
        new Promise<void>((resolve, reject) => {
          this.env.sync((error) => (error ? reject(toTidekvError(error, 'flush')) : resolve()));
        }),
    );
  }

  put(store: Store, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> {
    return this.#queue(store.put(key, copyBytes(value)), sync);
  }

  del(store: Store, key: Uint8Array, sync: boolean): Promise<void> {
    return this.#queue(store.remove(key), sync);
  }

  /** `clear()` of a whole keyspace: one queued operation. */
  clearAll(store: Store, sync: boolean): Promise<void> {
    return this.#queue(store.clearAsync(), sync);
  }

  /** `stores[i]` is the database of `ops[i]`'s keyspace. All or nothing. */
  write(ops: readonly ResolvedWriteOp[], stores: readonly Store[], sync: boolean): Promise<void> {
    if (this.#pending === 0) {
      // Nothing of ours is queued: apply and commit now. lmdb-js writes puts made inside a
      // synchronous transaction straight into LMDB, so no copies are needed.
      this.env.transactionSync(() => applyInTransaction(ops, stores), IMMEDIATE_FLAGS);
      return sync ? this.flush() : resolved;
    }
    let ranges = false;
    for (const op of ops) if (op.type === 'delRange' && !op.range.empty) ranges = true;
    if (!ranges) {
      return this.#queue(
        this.env.batch(() => {
          for (let i = 0; i < ops.length; i++) {
            const op = ops[i]!;
            if (op.type === 'put') stores[i]!.put(op.key, copyBytes(op.value));
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
