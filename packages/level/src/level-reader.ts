/**
 * Reads of one keyspace, either live or through a snapshot: getSync is one native call,
 * getMany one native multi-get, iterate a chunked native iterator.
 */
import {
  TidekvError,
  assertKey,
  assertKeys,
  describeValue,
  normalizeIterateRange,
  type EntryIterator,
  type IterateOptions,
  type Lifecycle,
  type ReadableKeyspace,
} from '@tidekv/core';
import { LEVEL_CAPABILITIES } from './capabilities.js';
import type { KeyspacePrefix } from './keyspace-prefix.js';
import { EMPTY_SOURCE, LevelChunkSource } from './level-chunk-source.js';
import { fromNative } from './native-errors.js';
import type { LevelDb } from './level-types.js';

const MAX_KEY_SIZE = LEVEL_CAPABILITIES.maxKeySize;

/** Entries per native nextv for next() and `for await`. */
const CHUNK_SIZE = 1000;

/**
 * Options handed to classic-level reads: undefined for live reads (its fast path), or one
 * object per snapshot, built once so no read has to clone it.
 */
export type NativeReadOptions = { snapshot: unknown; keyEncoding: 'view'; valueEncoding: 'view' } | undefined;

export class LevelReader implements ReadableKeyspace {
  readonly name: string;
  protected readonly db: LevelDb;
  protected readonly prefix: KeyspacePrefix;
  protected readonly lifecycle: Lifecycle;
  readonly #readOptions: NativeReadOptions;

  constructor(db: LevelDb, prefix: KeyspacePrefix, lifecycle: Lifecycle, readOptions: NativeReadOptions) {
    this.name = prefix.name;
    this.db = db;
    this.prefix = prefix;
    this.lifecycle = lifecycle;
    this.#readOptions = readOptions;
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    this.lifecycle.assertOpen();
    assertKey(key, MAX_KEY_SIZE);
    const stored = this.prefix.wrap(key);
    try {
      return this.db.getSync(stored, this.#readOptions as never);
    } catch (error) {
      throw fromNative(error, 'get');
    }
  }

  /** Served by getSync: a LevelDB point read is faster done synchronously than queued. */
  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return Promise.resolve(this.getSync(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.lifecycle.assertOpen();
    assertKeys(keys, MAX_KEY_SIZE);
    if (keys.length === 0) return [];
    const stored = new Array<Buffer>(keys.length);
    for (let i = 0; i < keys.length; i++) stored[i] = this.prefix.wrap(keys[i]!);
    try {
      return await this.db.getMany(stored, this.#readOptions as never);
    } catch (error) {
      throw fromNative(error, 'getMany');
    }
  }

  iterate(range?: IterateOptions): EntryIterator {
    this.lifecycle.assertOpen();
    const normalized = normalizeIterateRange(range);
    const signal = range?.signal;
    // Checked here (ChunkedIterator checks too) so that no native iterator is opened for a bad call.
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TidekvError('INVALID_OPTION', `signal must be an AbortSignal, got ${describeValue(signal)}`);
    }
    const source = normalized.empty
      ? EMPTY_SOURCE
      : new LevelChunkSource(this.db, {
          ...this.prefix.storedBounds(normalized),
          reverse: normalized.reverse,
          snapshot: this.#readOptions?.snapshot,
        });
    return this.lifecycle.iterator(source, { limit: normalized.limit, signal, chunkSize: CHUNK_SIZE });
  }
}
