/** A live keyspace: reads see every acknowledged write; writes go straight into its tree. */
import {
  type Capabilities,
  type Keyspace,
  type Lifecycle,
  type Range,
  type WriteOptions,
  assertKey,
  assertValue,
  assertWriteOptions,
  normalizeRange,
} from '@tidekv/core';
import { MemoryReadView } from './read-view.js';
import type { Store } from './store.js';

/** What a keyspace needs from its engine. */
export interface KeyspaceHost {
  readonly store: Store;
  readonly lifecycle: Lifecycle;
  readonly capabilities: Capabilities;
  /** Makes the writes applied so far durable when `options.sync` asks for it. */
  settle(options: WriteOptions | undefined): Promise<void>;
}

export class MemoryKeyspace extends MemoryReadView implements Keyspace {
  readonly #host: KeyspaceHost;

  constructor(name: string, host: KeyspaceHost) {
    // A keyspace's tree is created with it and never replaced (clear and load work in place).
    const tree = host.store.tree(name);
    super(
      name,
      {
        lookup: (key) => tree.get(key),
        freeze: () => tree.view(),
      },
      host.lifecycle,
      host.capabilities,
    );
    this.#host = host;
  }

  async put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.lifecycle.assertOpen();
    assertKey(key, this.capabilities.maxKeySize);
    assertValue(value, this.capabilities.maxValueSize);
    assertWriteOptions(options);
    this.#host.store.put(this.name, key, value);
    if (options?.sync) await this.#host.settle(options);
  }

  async del(key: Uint8Array, options?: WriteOptions): Promise<void> {
    this.lifecycle.assertOpen();
    assertKey(key, this.capabilities.maxKeySize);
    assertWriteOptions(options);
    this.#host.store.del(this.name, key);
    if (options?.sync) await this.#host.settle(options);
  }

  async clear(range?: Range, options?: WriteOptions): Promise<void> {
    this.lifecycle.assertOpen();
    const normalized = normalizeRange(range === undefined ? {} : range);
    assertWriteOptions(options);
    this.#host.store.deleteRange(this.name, normalized);
    if (options?.sync) await this.#host.settle(options);
  }
}
