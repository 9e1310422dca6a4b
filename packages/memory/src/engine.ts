/** The memory StorageEngine: keyspaces over copy-on-write B+trees, optionally snapshot-persistent. */
import {
  BaseEngine,
  DEFAULT_KEYSPACE,
  type KeyspacePrimitives,
  type ResolvedWriteOp,
  type SnapshotPrimitives,
  type FileSystem,
  nodeFileSystem,
} from '@tidekv/core';
import { EPHEMERAL_CAPABILITIES, PERSISTENT_CAPABILITIES } from './capabilities.js';
import { MemoryKeyspace } from './keyspace.js';
import { resolveMemoryOptions, type MemoryOptions } from './options.js';
import { Persistence } from './persist/persistence.js';
import { memorySnapshot } from './snapshot.js';
import { Store } from './store.js';

export class MemoryEngine extends BaseEngine {
  readonly #store: Store;
  readonly #persistence: Persistence | undefined;
  readonly #settle = (): void | Promise<void> => this.#persistence?.flush();

  private constructor(store: Store, persistence: Persistence | undefined) {
    super(persistence ? PERSISTENT_CAPABILITIES : EPHEMERAL_CAPABILITIES);
    this.#store = store;
    this.#persistence = persistence;
    this.keyspace(DEFAULT_KEYSPACE);
  }

  /** `fileSystem` is for tests that inject I/O faults into persistence. */
  static async open(options?: MemoryOptions, fileSystem: FileSystem = nodeFileSystem): Promise<MemoryEngine> {
    const { path } = resolveMemoryOptions(options);
    const store = new Store();
    const persistence = path === undefined ? undefined : await Persistence.open(fileSystem, path, store);
    return new MemoryEngine(store, persistence);
  }

  /** The directory this engine persists to, or undefined when ephemeral. */
  get path(): string | undefined {
    return this.#persistence?.dir;
  }

  protected keyspacePrimitives(name: string): KeyspacePrimitives {
    return new MemoryKeyspace(name, this.#store, this.#settle);
  }

  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): void | Promise<void> {
    this.#store.apply(ops);
    if (sync) return this.#settle();
  }

  protected snapshotPrimitives(): SnapshotPrimitives {
    return memorySnapshot(this.#store.views());
  }

  protected flushAll(): void | Promise<void> {
    return this.#settle();
  }

  protected release(): void | Promise<void> {
    return this.#persistence?.close();
  }
}
