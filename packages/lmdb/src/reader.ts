/**
 * Reads, shared by live keyspaces and snapshot views. Point reads are synchronous lmdb-js
 * calls; the async API wraps them. Scans page through `getRange` in chunks, each chunk its
 * own short cursor, so an open iterator never pins an LMDB read transaction between chunks
 * (unless it reads a snapshot, which pins one by design).
 */
import {
  assertKey,
  assertKeys,
  normalizeIterateRange,
  type ChunkSource,
  type Entry,
  type EntryIterator,
  type IterateOptions,
  type Lifecycle,
  type Range,
  type ReadableKeyspace,
} from '@tidekv/core';
import { MAX_KEY_SIZE } from './key-mapping.js';
import { resumeAfter, toLmdbRange, type LmdbRange } from './range.js';
import { toTidekvError } from './errors.js';
import type { RangeOptions, ReadTxn, Store } from './lmdb-types.js';

/** Where a view reads: a database, and a snapshot transaction or the current state. */
export interface ReadSource {
  /** undefined: the keyspace did not exist in this snapshot, so it reads as empty. */
  readonly store: Store | undefined;
  readonly txn: ReadTxn | undefined;
  /** The engine's lifecycle for a live keyspace, the snapshot's for a snapshot view. */
  readonly lifecycle: Lifecycle;
}

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
  #ended = false;

  constructor(
    private readonly store: Store,
    range: LmdbRange,
    private readonly txn: ReadTxn | undefined,
  ) {
    this.#range = range;
  }

  read(max: number): Entry[] {
    if (this.#ended) return [];
    const out: Entry[] = [];
    try {
      for (const { key, value } of this.store.getRange(rangeOptions(this.#range, max, this.txn))) out.push([key, value]);
    } catch (error) {
      throw toTidekvError(error, 'iterate');
    }
    if (out.length < max) this.#ended = true;
    else this.#range = resumeAfter(this.#range, out[out.length - 1]![0]);
    return out;
  }
}

const NO_ENTRIES: ChunkSource = { read: () => [] };

/**
 * A synchronous scan over one lmdb-js cursor. It is tracked by the lifecycle so that closing
 * the engine (or snapshot) first closes a scan the caller left suspended.
 */
class SyncScan implements Iterator<Entry> {
  #inner: Iterator<{ key: Uint8Array; value: Uint8Array }> | undefined;

  constructor(
    inner: Iterator<{ key: Uint8Array; value: Uint8Array }>,
    private readonly lifecycle: Lifecycle,
  ) {
    this.#inner = inner;
    lifecycle.track(this);
  }

  next(): IteratorResult<Entry> {
    const inner = this.#inner;
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

  close(): Promise<void> {
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

export class ReadView implements ReadableKeyspace {
  constructor(
    readonly name: string,
    protected readonly source: ReadSource,
  ) {}

  getSync(key: Uint8Array): Uint8Array | undefined {
    const { store, txn, lifecycle } = this.source;
    lifecycle.assertOpen();
    assertKey(key, MAX_KEY_SIZE);
    if (store === undefined) return undefined;
    try {
      return txn === undefined ? store.getBinary(key) : store.getBinary(key, { transaction: txn });
    } catch (error) {
      throw toTidekvError(error, 'get');
    }
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return Promise.resolve(this.getSync(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    try {
      const { store, txn, lifecycle } = this.source;
      lifecycle.assertOpen();
      assertKeys(keys, MAX_KEY_SIZE);
      const out: (Uint8Array | undefined)[] = new Array(keys.length);
      if (store === undefined) return Promise.resolve(out.fill(undefined));
      // One synchronous pass: LMDB reads are memory-mapped, and in one event turn lmdb-js
      // serves them all from one read transaction, so the answers are mutually consistent.
      const options = txn === undefined ? undefined : { transaction: txn };
      try {
        for (let i = 0; i < keys.length; i++) out[i] = store.getBinary(keys[i]!, options);
      } catch (error) {
        throw toTidekvError(error, 'getMany');
      }
      return Promise.resolve(out);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  iterate(range?: IterateOptions): EntryIterator {
    const { store, txn, lifecycle } = this.source;
    lifecycle.assertOpen();
    const normalized = normalizeIterateRange(range);
    const source = store === undefined || normalized.empty ? NO_ENTRIES : new RangeChunks(store, toLmdbRange(normalized), txn);
    return lifecycle.iterator(source, { limit: normalized.limit, signal: range?.signal });
  }

  iterateSync(range?: Range): Iterable<Entry> {
    const { store, txn, lifecycle } = this.source;
    lifecycle.assertOpen();
    const normalized = normalizeIterateRange(range);
    if (store === undefined || normalized.empty) return [];
    const options = rangeOptions(toLmdbRange(normalized), normalized.limit, txn);
    return {
      [Symbol.iterator]: () => {
        lifecycle.assertOpen();
        try {
          return new SyncScan(store.getRange(options)[Symbol.iterator](), lifecycle);
        } catch (error) {
          throw toTidekvError(error, 'iterate');
        }
      },
    };
  }
}
