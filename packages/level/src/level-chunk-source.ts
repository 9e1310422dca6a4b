/**
 * A ChunkSource over one classic-level iterator: each read is one native `nextv`, whose
 * entries come back with the keyspace id cut off (a view, no copy).
 */
import type { ChunkSource, Entry } from '@tidekv/core';
import { PREFIX_LENGTH, type StoredBounds } from './keyspace-prefix.js';
import type { LevelDb } from './level-types.js';
import { fromNative } from './native-errors.js';

/**
 * Bytes the native iterator gathers per nextv at most. Large enough that a chunk of small
 * entries is never cut short; a single larger entry still comes back on its own.
 */
export const ITERATOR_HIGH_WATER_BYTES = 1024 * 1024;

type NativeIterator = ReturnType<LevelDb['iterator']>;

export interface NativeRange extends StoredBounds {
  reverse: boolean;
  snapshot: unknown;
}

export class LevelChunkSource implements ChunkSource {
  readonly #iterator: NativeIterator;

  constructor(db: LevelDb, range: NativeRange) {
    try {
      this.#iterator = db.iterator({
        gte: range.gte,
        lt: range.lt,
        reverse: range.reverse,
        // classic-level's snapshot type is an abstract class; undefined means "now".
        snapshot: range.snapshot as never,
        highWaterMarkBytes: ITERATOR_HIGH_WATER_BYTES,
      });
    } catch (error) {
      throw fromNative(error, 'iterator');
    }
  }

  async read(max: number): Promise<Entry[]> {
    let entries: [Buffer, Buffer][];
    try {
      entries = (await this.#iterator.nextv(max)) as unknown as [Buffer, Buffer][];
    } catch (error) {
      throw fromNative(error, 'iterator read');
    }
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      entry[0] = entry[0].subarray(PREFIX_LENGTH);
    }
    return entries;
  }

  async release(): Promise<void> {
    try {
      await this.#iterator.close();
    } catch (error) {
      throw fromNative(error, 'iterator close');
    }
  }
}

/** The source of a range that cannot hold any entry: no native iterator at all. */
export const EMPTY_SOURCE: ChunkSource = { read: () => [] };
