/**
 * The LMDB engine: one LMDB environment per path; each keyspace is an LMDB named database,
 * so a write transaction spans keyspaces and `write()` is atomic across them.
 */
import {
  Lifecycle,
  TidekvError,
  assertKeyspaceName,
  assertWriteOptions,
  KEYSPACE_NAME_PATTERN,
  resolveWriteOps,
  type Capabilities,
  type Keyspace,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
} from '@tidekv/core';
import { open as openEnv } from 'lmdb';
import { keyEncoder, MAX_KEY_SIZE, MAX_VALUE_SIZE } from './key-mapping.js';
import { resolveOptions } from './options.js';
import { toTidekvError } from './errors.js';
import { checkDataFile } from './file-check.js';
import { LmdbKeyspace } from './keyspace.js';
import { LmdbSnapshot } from './snapshot.js';
import { Writer } from './writer.js';
import type { Env, Store } from './lmdb-types.js';

export const LMDB_CAPABILITIES: Capabilities = Object.freeze({
  persistent: true,
  syncReads: true,
  snapshots: true,
  maxKeySize: MAX_KEY_SIZE,
  maxValueSize: MAX_VALUE_SIZE,
});

/** lmdb-js refuses to mix sync modes on one environment within a process. */
function openError(error: unknown, path: string): TidekvError {
  const message = error instanceof Error ? error.message : '';
  if (/overlappingSync/.test(message)) {
    return new TidekvError('INVALID_OPTION', `lmdb: ${path} is already open in this process with a different durability option`, {
      cause: error,
    });
  }
  return toTidekvError(error, `open ${path}`);
}

const STORE_OPTIONS = { keyEncoder, encoding: 'binary' } as const;
const latin1 = new TextDecoder('latin1');

interface KeyspaceEntry {
  keyspace: LmdbKeyspace;
  /** Snapshots taken before this epoch predate the database handle and cannot read it. */
  epoch: number;
}

export class LmdbEngine implements StorageEngine {
  readonly capabilities: Capabilities = LMDB_CAPABILITIES;
  readonly #env: Env;
  readonly #lifecycle = new Lifecycle('engine');
  readonly #writer: Writer;
  readonly #keyspaces = new Map<string, KeyspaceEntry>();
  #epoch = 0;

  private constructor(env: Env, immediate: boolean) {
    this.#env = env;
    this.#writer = new Writer(env, immediate);
  }

  static async open(input: unknown): Promise<LmdbEngine> {
    const options = resolveOptions(input);
    let env: Env;
    try {
      checkDataFile(options.path);
      env = openEnv({
        path: options.path,
        noSubdir: false, // the path is always a directory, even with a '.' in its name
        maxDbs: options.maxKeyspaces,
        maxReaders: options.maxReaders,
        keyEncoding: 'binary',
        encoding: 'binary',
        strictAsyncOrder: true,
        // Asked for explicitly, so that lmdb-js refuses (rather than silently downgrades)
        // an environment this process already opened in the other mode.
        ...(options.durability === 'flush' ? { noSync: true } : { overlappingSync: process.platform !== 'win32' }),
      }) as unknown as Env;
    } catch (error) {
      throw openError(error, options.path);
    }
    const engine = new LmdbEngine(env, options.durability === 'flush');
    try {
      engine.#openExistingKeyspaces();
    } catch (error) {
      await env.close().catch(() => undefined);
      throw toTidekvError(error, `open ${options.path}`);
    }
    return engine;
  }

  /**
   * Opens every keyspace already in the environment (the root database lists them), so that
   * a snapshot, whose LMDB transaction only knows the handles open when it began, can read
   * every keyspace that existed when it was taken.
   */
  #openExistingKeyspaces(): void {
    const names: string[] = [];
    for (const raw of this.#env.getKeys()) {
      // lmdb-js stores database names NUL-terminated.
      const name = latin1.decode(raw[raw.length - 1] === 0 ? raw.subarray(0, -1) : raw);
      if (KEYSPACE_NAME_PATTERN.test(name)) names.push(name);
    }
    for (const name of names) this.#openKeyspace(name);
  }

  #openKeyspace(name: string): KeyspaceEntry {
    let store: Store;
    try {
      store = this.#env.openDB(name, STORE_OPTIONS);
    } catch (error) {
      throw toTidekvError(error, `open keyspace '${name}'`);
    }
    const entry = { keyspace: new LmdbKeyspace(name, store, this.#lifecycle, this.#writer), epoch: this.#epoch++ };
    this.#keyspaces.set(name, entry);
    return entry;
  }

  keyspace(name: string): Keyspace {
    this.#lifecycle.assertOpen();
    const entry = this.#keyspaces.get(name);
    if (entry !== undefined) return entry.keyspace;
    assertKeyspaceName(name);
    return this.#openKeyspace(name).keyspace;
  }

  #store(name: string): Store {
    return (this.#keyspaces.get(name) ?? this.#openKeyspace(name)).keyspace.store;
  }

  write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      assertWriteOptions(options);
      const resolved = resolveWriteOps(ops, this.capabilities);
      const sync = options?.sync === true;
      if (resolved.length === 0) return sync ? this.#writer.flush() : Promise.resolve();
      // Open any new keyspace first: that is its own small transaction, and must not
      // happen inside the batch.
      const stores: Store[] = new Array(resolved.length);
      let lastName = '';
      let lastStore: Store | undefined;
      for (let i = 0; i < resolved.length; i++) {
        const name = resolved[i]!.keyspace;
        if (name !== lastName || lastStore === undefined) {
          lastName = name;
          lastStore = this.#store(name);
        }
        stores[i] = lastStore;
      }
      return this.#writer.write(resolved, stores, sync);
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'write'));
    }
  }

  snapshot(): Snapshot {
    this.#lifecycle.assertOpen();
    let txn;
    try {
      txn = this.#env.useReadTransaction();
    } catch (error) {
      throw toTidekvError(error, 'snapshot');
    }
    const snapshot = new LmdbSnapshot(
      txn,
      this.#epoch,
      (name, epoch) => {
        const entry = this.#keyspaces.get(name);
        return entry !== undefined && entry.epoch < epoch ? entry.keyspace.store : undefined;
      },
      (closed) => this.#lifecycle.untrack(closed),
    );
    this.#lifecycle.track(snapshot);
    return snapshot;
  }

  flush(): Promise<void> {
    return this.#lifecycle.isOpen ? this.#writer.flush() : Promise.reject(this.#lifecycle.closedError());
  }

  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      // Everything acknowledged is committed and on disk before the environment goes away.
      await this.#writer.flush().catch(() => undefined);
      try {
        await this.#env.close();
      } catch (error) {
        throw toTidekvError(error, 'close');
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
