/**
 * A consistent read view over every keyspace, backed by one LevelDB snapshot.
 */
import { Lifecycle, assertKeyspaceName, type ReadableKeyspace, type Snapshot } from '@tidekv/core';
import type { KeyspaceRegistry } from './keyspace-registry.js';
import { LevelReader } from './level-reader.js';
import type { LevelDb } from './level-types.js';
import { fromNative } from './native-errors.js';

type NativeSnapshot = ReturnType<LevelDb['snapshot']>;

export class LevelSnapshot implements Snapshot {
  readonly #db: LevelDb;
  readonly #native: NativeSnapshot;
  readonly #registry: KeyspaceRegistry;
  readonly #lifecycle = new Lifecycle('snapshot');
  readonly #readers = new Map<string, LevelReader>();
  readonly #readOptions: { snapshot: NativeSnapshot; keyEncoding: 'view'; valueEncoding: 'view' };
  readonly #onClose: () => void;

  constructor(db: LevelDb, registry: KeyspaceRegistry, onClose: () => void) {
    this.#db = db;
    this.#registry = registry;
    this.#onClose = onClose;
    try {
      this.#native = db.snapshot();
    } catch (error) {
      throw fromNative(error, 'snapshot');
    }
    this.#readOptions = { snapshot: this.#native, keyEncoding: 'view', valueEncoding: 'view' };
  }

  keyspace(name: string): ReadableKeyspace {
    this.#lifecycle.assertOpen();
    let reader = this.#readers.get(name);
    if (!reader) {
      assertKeyspaceName(name);
      reader = new LevelReader(this.#db, this.#registry.get(name), this.#lifecycle, this.#readOptions);
      this.#readers.set(name, reader);
    }
    return reader;
  }

  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      try {
        await this.#native.close();
      } catch (error) {
        throw fromNative(error, 'snapshot close');
      } finally {
        this.#onClose();
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
