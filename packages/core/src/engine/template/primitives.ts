/**
 * What an adapter implements: its backend's primitives, with every input already validated
 * by the template (keys and values are real Uint8Arrays within the limits, ranges normalised
 * and non-empty, the engine open and writable). Errors they throw or reject with are turned
 * into TidekvErrors by the engine's `toError`.
 */
import type { ChunkSource } from '../chunked-iterator.js';
import type { Lifecycle } from '../lifecycle.js';
import type { NormalizedRange } from '../range.js';
import type { Entry } from '../types.js';

/** Reads of one keyspace, live or in a snapshot. */
export interface ReadPrimitives {
  /** The stored value, or undefined. A private copy or a fresh buffer the caller may keep. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Many point reads at once; absent: `get` for each key. */
  getMany?(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] | Promise<(Uint8Array | undefined)[]>;
  /** A chunk source over a non-empty range (its `limit` is applied by the iterator). */
  open(range: NormalizedRange): ChunkSource;
  /**
   * Synchronous iteration over a non-empty range, honouring its `limit`; absent: the chunks of
   * `open` read synchronously (which must then answer synchronously). `owner` is closed
   * when the engine or snapshot closes.
   */
  scanSync?(range: NormalizedRange, owner: Lifecycle): Iterable<Entry>;
  /** Entries per chunk for next() and `for await`. */
  readonly chunkSize?: number;
}

/** Writes into one keyspace; `sync` asks for durability before the write resolves. */
export interface WritePrimitives {
  put(key: Uint8Array, value: Uint8Array, sync: boolean): void | Promise<void>;
  del(key: Uint8Array, sync: boolean): void | Promise<void>;
  /** Deletes every key inside the range's bounds (never empty; reverse and limit do not apply). */
  clear(range: NormalizedRange, sync: boolean): void | Promise<void>;
}

export interface KeyspacePrimitives extends ReadPrimitives, WritePrimitives {}

/** A read view taken by snapshot(). */
export interface SnapshotPrimitives {
  /** The reads of one keyspace as of the snapshot (a keyspace it never saw reads as empty). */
  view(name: string): ReadPrimitives;
  /** Releases the view; called once. */
  release(): void | Promise<void>;
}

const NO_ENTRIES: Entry[] = [];
const EMPTY_SOURCE: ChunkSource = { read: () => NO_ENTRIES };

/** The reads of a keyspace that has no entries (e.g. one created after a snapshot was taken). */
export const EMPTY_READS: ReadPrimitives = Object.freeze({
  get: () => undefined,
  open: () => EMPTY_SOURCE,
});

export { EMPTY_SOURCE };
