/**
 * Reads, shared by live keyspaces and snapshot views. Point reads are synchronous lmdb-js
 * calls; the async API wraps them. Scans page through `getRange` in chunks, each chunk its
 * own short cursor, so an open iterator never pins an LMDB read transaction between chunks
 * (unless it reads a snapshot, which pins one by design).
 */
import { Lifecycle, retainHiddenClass, type ChunkSource, type Entry, type NormalizedRange, type ReadPrimitives } from '@tidekv/core';
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

/** A `scanSync` result: each iteration opens its own lmdb-js cursor. */
class ScanIterable implements Iterable<Entry> {
  constructor(
    private readonly store: Store,
    private readonly options: RangeOptions,
    private readonly owner: Lifecycle,
  ) {}

  [Symbol.iterator](): Iterator<Entry> {
    this.owner.assertOpen();
    try {
      return new SyncScan(this.store.getRange(this.options)[Symbol.iterator](), this.owner);
    } catch (error) {
      throw toTidekvError(error, 'iterate');
    }
  }
}

/**
 * Reads of one LMDB database, in a snapshot's read transaction or (txn undefined) of the
 * current state. A class rather than an object of closures: every keyspace of every engine
 * shares these methods, so compiled code never holds a closure of an engine that has since
 * closed (which V8 deoptimizes once it is collected).
 */
export class LmdbReads implements ReadPrimitives {
  protected readonly store: Store;
  readonly #txn: ReadTxn | undefined;
  readonly #getOptions: { transaction: ReadTxn } | undefined;
  readonly #chunks: ChunkReader;

  constructor(store: Store, txn: ReadTxn | undefined) {
    this.store = store;
    this.#txn = txn;
    this.#getOptions = txn === undefined ? undefined : { transaction: txn };
    this.#chunks = new ChunkReader(store, txn);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.store.getBinary(key, this.#getOptions);
  }

  open(range: NormalizedRange): ChunkSource {
    return new RangeChunks(this.#chunks, toLmdbRange(range));
  }

  scanSync(range: NormalizedRange, owner: Lifecycle): Iterable<Entry> {
    return new ScanIterable(this.store, rangeOptions(toLmdbRange(range), range.limit, this.#txn), owner);
  }
}

// One idle instance of each per-seek class for the life of the process (see core's
// retainHiddenClass): a full GC between two seeks then deoptimizes nothing.
const IDLE_STORE = undefined as unknown as Store;
retainHiddenClass(new RangeChunks(new ChunkReader(IDLE_STORE, undefined), toLmdbRange({ lower: undefined, upper: undefined, reverse: false, limit: 0, empty: true } as NormalizedRange)));
const IDLE_OWNER = new Lifecycle('idle scan');
retainHiddenClass(new ScanIterable(IDLE_STORE, { reverse: false, exclusiveStart: false, inclusiveEnd: false }, IDLE_OWNER));
retainHiddenClass(new SyncScan([][Symbol.iterator](), IDLE_OWNER));
