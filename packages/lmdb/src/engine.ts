/**
 * The LMDB engine: one LMDB environment per path; each keyspace is an LMDB named database,
 * so a write transaction spans keyspaces and `write()` is atomic across them.
 */
import {
  BaseEngine,
  KEYSPACE_NAME_PATTERN,
  TidekvError,
  nodeFileSystem,
  prepareDirectory,
  type KeyspacePrimitives,
  type ResolvedWriteOp,
  type SnapshotPrimitives,
} from '@tidekv/core';
import { open as openEnv } from 'lmdb';
import { LMDB_CAPABILITIES } from './capabilities.js';
import { keyEncoder } from './key-mapping.js';
import { resolveLmdbOptions } from './options.js';
import { toTidekvError } from './errors.js';
import { checkDataFile } from './file-check.js';
import { LmdbKeyspace } from './keyspace.js';
import { LmdbSnapshot } from './snapshot.js';
import { Writer } from './writer.js';
import type { Env, Store } from './types.js';

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

/** How long close() waits for lmdb-js after a failed commit (see release()). */
const CLOSE_AFTER_FAILURE_MS = 500;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const STORE_OPTIONS = { keyEncoder, encoding: 'binary' } as const;
const latin1 = new TextDecoder('latin1');

interface OpenDatabase {
  store: Store;
  /** Snapshots taken before this epoch predate the database handle and cannot read it. */
  epoch: number;
}

export class LmdbEngine extends BaseEngine {
  readonly #env: Env;
  readonly #writer: Writer;
  readonly #databases = new Map<string, OpenDatabase>();
  #epoch = 0;

  private constructor(env: Env, immediate: boolean) {
    super(LMDB_CAPABILITIES);
    this.#env = env;
    this.#writer = new Writer(env, immediate);
  }

  static async open(input: unknown): Promise<LmdbEngine> {
    const options = resolveLmdbOptions(input);
    await prepareDirectory(nodeFileSystem, options.path, true);
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

  protected override toError(error: unknown, doing: string): TidekvError {
    return toTidekvError(error, doing);
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
    for (const name of names) this.#store(name);
  }

  /** The database of a keyspace, opened (and created) on first use. */
  #store(name: string): Store {
    let database = this.#databases.get(name);
    if (database === undefined) {
      database = { store: this.#env.openDB(name, STORE_OPTIONS), epoch: this.#epoch++ };
      this.#databases.set(name, database);
    }
    return database.store;
  }

  protected keyspacePrimitives(name: string): KeyspacePrimitives {
    return new LmdbKeyspace(name, this.#store(name), this.#writer);
  }

  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): Promise<void> | undefined {
    // Open any new keyspace first: that is its own small transaction, and must not happen
    // inside the batch.
    const stores: Store[] = new Array(ops.length);
    let lastName = '';
    let lastStore: Store | undefined;
    for (let i = 0; i < ops.length; i++) {
      const name = ops[i]!.keyspace;
      if (name !== lastName || lastStore === undefined) {
        lastName = name;
        lastStore = this.#store(name);
      }
      stores[i] = lastStore;
    }
    return this.#writer.write(ops, stores, sync);
  }

  protected snapshotPrimitives(): SnapshotPrimitives {
    const txn = this.#env.useReadTransaction();
    const epoch = this.#epoch;
    return new LmdbSnapshot(txn, (name) => {
      const database = this.#databases.get(name);
      return database !== undefined && database.epoch < epoch ? database.store : undefined;
    });
  }

  protected flushAll(): Promise<void> {
    return this.#writer.flush();
  }

  protected async release(): Promise<void> {
    // Everything acknowledged is committed and on disk before the environment goes away.
    await this.#writer.flush().catch(() => undefined);
    // After a failed commit lmdb-js never settles that commit's flush promise, and its
      // close() waits for it forever: bound the wait (the environment is shared per path
      // inside lmdb-js, so a later open in this process still works).
    await (this.writesFailed ? Promise.race([this.#env.close(), delay(CLOSE_AFTER_FAILURE_MS)]) : this.#env.close());
  }
}
