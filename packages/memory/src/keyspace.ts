/** A live keyspace: reads see every acknowledged write; writes go straight into its tree. */
import type { KeyspacePrimitives, NormalizedRange } from '@tidekv/core';
import { TreeReads } from './reader.js';
import type { Store } from './store.js';

export class MemoryKeyspace extends TreeReads implements KeyspacePrimitives {
  readonly #name: string;
  readonly #store: Store;
  readonly #settle: () => void | Promise<void>;

  /** `settle` makes the writes applied so far durable (a persistent engine's flush). */
  constructor(name: string, store: Store, settle: () => void | Promise<void>) {
    // A keyspace's tree is created with it and never replaced (clear and load work in place).
    super(store.tree(name));
    this.#name = name;
    this.#store = store;
    this.#settle = settle;
  }

  put(key: Uint8Array, value: Uint8Array, sync: boolean): void | Promise<void> {
    this.#store.put(this.#name, key, value);
    if (sync) return this.#settle();
  }

  del(key: Uint8Array, sync: boolean): void | Promise<void> {
    this.#store.del(this.#name, key);
    if (sync) return this.#settle();
  }

  clear(range: NormalizedRange, sync: boolean): void | Promise<void> {
    this.#store.deleteRange(this.#name, range);
    if (sync) return this.#settle();
  }
}
