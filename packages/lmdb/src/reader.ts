/**
 * Reads, shared by live keyspaces and snapshot views. Point reads are synchronous lmdb-js
 * calls; the async API wraps them. Scans page through `getRange` in chunks, each chunk its
 * own short cursor, so an open iterator never pins an LMDB read transaction between chunks
 * (unless it reads a snapshot, which pins one by design).
 */
import type { ChunkSource, Entry, Lifecycle, ReadPrimitives } from '@tidekv/core';
import { resumeAfter, toLmdbRange, type LmdbRange } from './range.js';
import { ChunkReader } from './chunk-reader.js';
import { toTidekvError } from './errors.js';
import type { RangeOptions, ReadTxn, Store } from './types.js';

function rangeOptions(range: LmdbRange, limit: number, txn: ReadTxn | undefined): RangeOptions {
  const options: RangeOptions = {
    reverse: range.reverse,
    exclusiveStart: range.exclusiveStart,
    inclusiveEnd: range.inclusiveEnd,
    limit,
  };
  // `start`/`end` must be absent, not undefined, where unbounded (lmdb-js checks `in`).
  if (range.start !== undefined) options.start = range.start;
  if (range.end !== undefined) options.end = range.end;
  if (txn !== undefined) options.transaction = txn;
  return options;
}

/** Keyset pagination: each read opens a cursor at the resume point and closes it again. */
class RangeChunks implements ChunkSource {
  #range: LmdbRange;
  /** The last key handed out, when a full chunk was read: the next read resumes after it. */
  #after: Uint8Array | undefined;
  #ended = false;

  constructor(
    private readonly reader: ChunkReader,
    range: LmdbRange,
  ) {
    this.#range = range;
  }

  read(max: number): Entry[] {
    if (this.#ended) return [];
    // Resumed only when read again: a seek's iterator reads one full chunk and is closed.
    if (this.#after !== undefined) this.#range = resumeAfter(this.#range, this.#after);
    const out = this.reader.read(this.#range, max);
    if (out.length < max) this.#ended = true;
    else this.#after = out[out.length - 1]![0];
    return out;
  }
}

/**
 * A synchronous scan over one lmdb-js cursor. It is tracked by the lifecycle so that closing
 * the engine (or snapshot) first closes a scan the caller left suspended.
 */
class SyncScan implements Iterator<Entry> {
  #inner: Iterator<{ key: Uint8Array; value: Uint8Array }> | undefined;
  #closedByOwner = false;

  constructor(
    inner: Iterator<{ key: Uint8Array; value: Uint8Array }>,
    private readonly lifecycle: Lifecycle,
  ) {
    this.#inner = inner;
    lifecycle.track(this);
  }

  next(): IteratorResult<Entry> {
    const inner = this.#inner;
    // Closed with its engine or snapshot: NOT_OPEN, never a silent early end.
    if (this.#closedByOwner) this.lifecycle.assertOpen();
    if (inner === undefined) return { done: true, value: undefined };
    this.lifecycle.assertOpen();
    let result: IteratorResult<{ key: Uint8Array; value: Uint8Array }>;
    try {
      result = inner.next();
    } catch (error) {
      this.#finish();
      throw toTidekvError(error, 'iterate');
    }
    if (result.done) {
      this.#inner = undefined; // lmdb-js already closed its cursor
      this.lifecycle.untrack(this);
      return { done: true, value: undefined };
    }
    return { done: false, value: [result.value.key, result.value.value] };
  }

  return(): IteratorResult<Entry> {
    this.#finish();
    return { done: true, value: undefined };
  }

  /** Called by the owner's close(). */
  close(): Promise<void> {
    if (this.#inner !== undefined) this.#closedByOwner = true;
    this.#finish();
    return Promise.resolve();
  }

  #finish(): void {
    const inner = this.#inner;
    if (inner === undefined) return;
    this.#inner = undefined;
    this.lifecycle.untrack(this);
    inner.return?.();
  }
}

/** Reads of one LMDB database, in a snapshot's read transaction or (txn undefined) of the current state. */
export function lmdbReads(store: Store, txn: ReadTxn | undefined): ReadPrimitives {
  const options = txn === undefined ? undefined : { transaction: txn };
  const chunks = new ChunkReader(store, txn);
  return {
    get: (key) => store.getBinary(key, options),
    open: (range) => new RangeChunks(chunks, toLmdbRange(range)),
    scanSync(range, owner) {
      const native = rangeOptions(toLmdbRange(range), range.limit, txn);
      return {
        [Symbol.iterator]: () => {
          owner.assertOpen();
          try {
            return new SyncScan(store.getRange(native)[Symbol.iterator](), owner);
          } catch (error) {
            throw toTidekvError(error, 'iterate');
          }
        },
      };
    },
  };
}
