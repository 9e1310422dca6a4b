/**
 * A live keyspace: the reads of LevelReader plus writes, which go through the engine so
 * that every write shares its ordering and durability bookkeeping.
 */
import {
  assertKey,
  assertValue,
  assertWriteOptions,
  normalizeRange,
  type Keyspace,
  type Lifecycle,
  type NormalizedRange,
  type Range,
  type WriteOptions,
} from '@tidekv/core';
import { LEVEL_CAPABILITIES } from './capabilities.js';
import type { RegisteredKeyspace } from './keyspace-registry.js';
import { LevelReader } from './level-reader.js';
import type { LevelDb } from './level-types.js';

/** The engine's write paths a keyspace uses; keys here are already validated. */
export interface KeyspaceWriter {
  putOne(keyspace: RegisteredKeyspace, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void>;
  delOne(keyspace: RegisteredKeyspace, key: Uint8Array, sync: boolean): Promise<void>;
  clearRange(keyspace: string, range: NormalizedRange, sync: boolean): Promise<void>;
}

const { maxKeySize, maxValueSize } = LEVEL_CAPABILITIES;

export class LevelKeyspace extends LevelReader implements Keyspace {
  readonly #writer: KeyspaceWriter;

  readonly #keyspace: RegisteredKeyspace;

  constructor(db: LevelDb, keyspace: RegisteredKeyspace, lifecycle: Lifecycle, writer: KeyspaceWriter) {
    super(db, keyspace, lifecycle, undefined);
    this.#keyspace = keyspace;
    this.#writer = writer;
  }

  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, maxKeySize);
      assertValue(value, maxValueSize);
      assertWriteOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.putOne(this.#keyspace, key, value, options?.sync === true);
  }

  del(key: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, maxKeySize);
      assertWriteOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.delOne(this.#keyspace, key, options?.sync === true);
  }

  clear(range?: Range, options?: WriteOptions): Promise<void> {
    let normalized: NormalizedRange;
    try {
      this.lifecycle.assertOpen();
      normalized = normalizeRange(range);
      assertWriteOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.clearRange(this.name, normalized, options?.sync === true);
  }
}
