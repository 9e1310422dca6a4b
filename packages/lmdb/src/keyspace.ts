/** A live keyspace: reads of the current state plus writes through the engine's writer. */
import {
  assertKey,
  assertValue,
  assertWriteOptions,
  normalizeRange,
  type Keyspace,
  type Lifecycle,
  type Range,
  type WriteOptions,
} from '@tidekv/core';
import { MAX_KEY_SIZE, MAX_VALUE_SIZE } from './key-mapping.js';
import { ReadView } from './reader.js';
import { toTidekvError } from './errors.js';
import type { Store } from './lmdb-types.js';
import type { Writer } from './writer.js';

export class LmdbKeyspace extends ReadView implements Keyspace {
  readonly #store: Store;
  readonly #writer: Writer;
  readonly #lifecycle: Lifecycle;

  constructor(name: string, store: Store, lifecycle: Lifecycle, writer: Writer) {
    super(name, { store, txn: undefined, lifecycle });
    this.#store = store;
    this.#writer = writer;
    this.#lifecycle = lifecycle;
  }

  /** The LMDB database behind this keyspace, for engine.write(). */
  get store(): Store {
    return this.#store;
  }

  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      assertKey(key, MAX_KEY_SIZE);
      assertValue(value, MAX_VALUE_SIZE);
      assertWriteOptions(options);
      return this.#writer.put(this.#store, key, value, options?.sync === true);
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'write'));
    }
  }

  del(key: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      assertKey(key, MAX_KEY_SIZE);
      assertWriteOptions(options);
      return this.#writer.del(this.#store, key, options?.sync === true);
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'write'));
    }
  }

  clear(range?: Range, options?: WriteOptions): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      const normalized = normalizeRange(range);
      assertWriteOptions(options);
      const sync = options?.sync === true;
      if (normalized.lower === undefined && normalized.upper === undefined) {
        return this.#writer.clearAll(this.#store, sync);
      }
      return this.#writer.write([{ type: 'delRange', keyspace: this.name, range: normalized }], [this.#store], sync);
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'write'));
    }
  }
}
