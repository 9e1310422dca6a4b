/**
 * Reads of one keyspace, live or through a snapshot: a point read is one synchronous native
 * get, getMany one native multi-get, a scan a chunked native iterator whose entries come back
 * with the keyspace id cut off (a view, no copy).
 */
import type { ChunkSource, Entry, NormalizedRange, ReadPrimitives } from '@tidekv/core';
import { PREFIX_LENGTH, type KeyspacePrefix, type StoredBounds } from './keyspace-prefix.js';
import type { LevelDb } from './types.js';

/**
 * Bytes the native iterator gathers per nextv at most. Large enough that a chunk of small
 * entries is never cut short; a single larger entry still comes back on its own.
 */
export const ITERATOR_HIGH_WATER_BYTES = 1024 * 1024;

/** Entries per native nextv for next() and `for await`. */
const CHUNK_SIZE = 1000;

type NativeIterator = ReturnType<LevelDb['iterator']>;

/**
 * Options handed to classic-level reads: undefined for live reads (its fast path), or one
 * object per snapshot, built once so no read has to clone it.
 */
export type NativeReadOptions = { snapshot: unknown; keyEncoding: 'view'; valueEncoding: 'view' } | undefined;

interface NativeRange extends StoredBounds {
  reverse: boolean;
  snapshot: unknown;
}

class LevelChunkSource implements ChunkSource {
  readonly #iterator: NativeIterator;

  constructor(db: LevelDb, range: NativeRange) {
    this.#iterator = db.iterator({
      gte: range.gte,
      lt: range.lt,
      reverse: range.reverse,
      // classic-level's snapshot type is an abstract class; undefined means "now".
      snapshot: range.snapshot as never,
      highWaterMarkBytes: ITERATOR_HIGH_WATER_BYTES,
    });
  }

  async read(max: number): Promise<Entry[]> {
    const entries = (await this.#iterator.nextv(max)) as unknown as [Buffer, Buffer][];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      entry[0] = entry[0].subarray(PREFIX_LENGTH);
    }
    return entries;
  }

  release(): Promise<void> {
    return this.#iterator.close();
  }
}

/**
 * A class rather than an object of closures: every keyspace of every engine shares these
 * methods, so the template's call sites stay on one target, and compiled code never holds
 * a closure of an engine that has since closed (which V8 deoptimizes once it is collected).
 */
export class LevelReads implements ReadPrimitives {
  readonly chunkSize = CHUNK_SIZE;
  protected readonly db: LevelDb;
  protected readonly prefix: KeyspacePrefix;
  readonly #readOptions: NativeReadOptions;

  constructor(db: LevelDb, prefix: KeyspacePrefix, readOptions: NativeReadOptions) {
    this.db = db;
    this.prefix = prefix;
    this.#readOptions = readOptions;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.db.getSync(this.prefix.readKey(key), this.#readOptions as never);
  }

  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const stored = new Array<Buffer>(keys.length);
    for (let i = 0; i < keys.length; i++) stored[i] = this.prefix.wrap(keys[i]!);
    return this.db.getMany(stored, this.#readOptions as never);
  }

  open(range: NormalizedRange): ChunkSource {
    return new LevelChunkSource(this.db, { ...this.prefix.storedBounds(range), reverse: range.reverse, snapshot: this.#readOptions?.snapshot });
  }
}
