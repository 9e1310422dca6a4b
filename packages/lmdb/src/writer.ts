/**
 * Writes. Every write goes through lmdb-js's asynchronous write queue, which applies
 * operations in call order and commits everything queued in one event turn as one LMDB
 * transaction on its writer thread: un-awaited puts cost one commit per turn, not one per put.
 *
 * - `put`/`del`: one queued operation each; the promise resolves once its commit is done.
 * - `write(ops)` without range deletes: one `batch`, so the ops share one transaction.
 * - `write(ops)` with range deletes: one child transaction run on this thread inside the
 *   next write transaction (keys to delete must be read inside the same transaction that
 *   deletes them, after the earlier ops of the batch); `strictAsyncOrder` keeps it in call
 *   order with queued operations, and being a child transaction it rolls back as a whole.
 * - `{ sync: true }` additionally waits for lmdb-js's `flushed` (the commit is fsynced).
 *
 * lmdb-js reads a queued value's bytes only when it commits (and a transaction callback's
 * keys and values only when the callback runs), so values (and, for callbacks, keys) are
 * copied at call time: a caller may reuse or change its buffers as soon as the call returns.
 */
import type { NormalizedRange, ResolvedWriteOp } from '@tidekv/core';
import { rejectAs } from './errors.js';
import { toLmdbRange } from './range.js';
import type { Env, Store } from './lmdb-types.js';


const DELETE_CHUNK = 1024;
const slice = Uint8Array.prototype.slice;
const copy = (bytes: Uint8Array): Uint8Array => slice.call(bytes);
const toVoid = (): void => undefined;

function copyOp(op: ResolvedWriteOp): ResolvedWriteOp {
  if (op.type === 'put') return { ...op, key: copy(op.key), value: copy(op.value) };
  if (op.type === 'del') return { ...op, key: copy(op.key) };
  const { lower, upper } = op.range;
  return {
    ...op,
    range: {
      ...op.range,
      lower: lower && { key: copy(lower.key), inclusive: lower.inclusive },
      upper: upper && { key: copy(upper.key), inclusive: upper.inclusive },
    },
  };
}

function isUnbounded(range: NormalizedRange): boolean {
  return range.lower === undefined && range.upper === undefined;
}

/** Deletes a range inside the running write transaction, which sees its own earlier writes. */
function deleteRange(store: Store, range: NormalizedRange): void {
  if (range.empty) return;
  if (isUnbounded(range)) {
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

export class Writer {
  readonly #settle: (error: unknown) => never = rejectAs('write');

  constructor(private readonly env: Env) {}

  #finish(commit: Promise<unknown>, sync: boolean): Promise<void> {
    const done = commit.then(toVoid, this.#settle);
    return sync ? done.then(() => this.flushed()) : done;
  }

  /** Resolves once every commit so far is on disk. */
  flushed(): Promise<void> {
    return Promise.resolve(this.env.flushed).then(toVoid, rejectAs('flush'));
  }

  put(store: Store, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> {
    return this.#finish(store.put(key, copy(value)), sync);
  }

  del(store: Store, key: Uint8Array, sync: boolean): Promise<void> {
    return this.#finish(store.remove(key), sync);
  }

  /** `stores[i]` is the database of `ops[i]`'s keyspace. */
  write(ops: readonly ResolvedWriteOp[], stores: readonly Store[], sync: boolean): Promise<void> {
    let needsTransaction = false;
    for (const op of ops) {
      if (op.type === 'delRange' && !op.range.empty) needsTransaction = true;
    }
    if (!needsTransaction) {
      return this.#finish(
        this.env.batch(() => {
          for (let i = 0; i < ops.length; i++) {
            const op = ops[i]!;
            if (op.type === 'put') stores[i]!.put(op.key, copy(op.value));
            else if (op.type === 'del') stores[i]!.remove(op.key);
          }
        }),
        sync,
      );
    }
    const copies = ops.map(copyOp);
    return this.#finish(
      this.env.childTransaction(() => {
        for (let i = 0; i < copies.length; i++) {
          const op = copies[i]!;
          if (op.type === 'put') stores[i]!.putSync(op.key, op.value);
          else if (op.type === 'del') stores[i]!.removeSync(op.key);
          else deleteRange(stores[i]!, op.range);
        }
      }),
      sync,
    );
  }

  /** `clear()` of a whole keyspace is one queued operation. */
  clearAll(store: Store, sync: boolean): Promise<void> {
    return this.#finish(store.clearAsync(), sync);
  }
}
