/** The memory StorageEngine: keyspaces over copy-on-write B+trees, optionally snapshot-persistent. */
import {
  type Capabilities,
  DEFAULT_KEYSPACE,
  type Keyspace,
  Lifecycle,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
  assertKeyspaceName,
  assertWriteOptions,
  resolveWriteOps,
} from '@tidekv/core';
import { EPHEMERAL_CAPABILITIES, PERSISTENT_CAPABILITIES } from './capabilities.js';
import { MemoryKeyspace, type KeyspaceHost } from './keyspace.js';
import { resolveMemoryOptions, type MemoryOptions } from './options.js';
import { Persistence } from './persist/persistence.js';
import { MemorySnapshot } from './snapshot.js';
import { Store } from './store.js';

export class MemoryEngine implements StorageEngine, KeyspaceHost {
  readonly capabilities: Capabilities;
  readonly store: Store;
  readonly lifecycle = new Lifecycle('engine');
  readonly #persistence: Persistence | undefined;
  readonly #keyspaces = new Map<string, MemoryKeyspace>();

  private constructor(store: Store, persistence: Persistence | undefined) {
    this.store = store;
    this.#persistence = persistence;
    this.capabilities = persistence ? PERSISTENT_CAPABILITIES : EPHEMERAL_CAPABILITIES;
    this.keyspace(DEFAULT_KEYSPACE);
  }

  static async open(options?: MemoryOptions): Promise<MemoryEngine> {
    const { path } = resolveMemoryOptions(options);
    const store = new Store();
    const persistence = path === undefined ? undefined : await Persistence.open(path, store);
    return new MemoryEngine(store, persistence);
  }

  /** The directory this engine persists to, or undefined when ephemeral. */
  get path(): string | undefined {
    return this.#persistence?.dir;
  }

  keyspace(name: string): Keyspace {
    this.lifecycle.assertOpen();
    assertKeyspaceName(name);
    let keyspace = this.#keyspaces.get(name);
    if (keyspace === undefined) {
      keyspace = new MemoryKeyspace(name, this);
      this.#keyspaces.set(name, keyspace);
    }
    return keyspace;
  }

  async write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    this.lifecycle.assertOpen();
    assertWriteOptions(options);
    // Every op is validated before the first one is applied: a bad op writes nothing.
    this.store.apply(resolveWriteOps(ops, this.capabilities));
    if (options?.sync) await this.settle(options);
  }

  snapshot(): Snapshot {
    this.lifecycle.assertOpen();
    const snapshot: MemorySnapshot = new MemorySnapshot(this.store.views(), this.capabilities, () => this.lifecycle.untrack(snapshot));
    this.lifecycle.track(snapshot);
    return snapshot;
  }

  async flush(): Promise<void> {
    this.lifecycle.assertOpen();
    await this.#persistence?.flush();
  }

  async settle(options: WriteOptions | undefined): Promise<void> {
    if (options?.sync) await this.#persistence?.flush();
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      await this.#persistence?.close();
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
