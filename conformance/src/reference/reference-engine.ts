/**
 * The reference engine: a minimal, obviously-correct StorageEngine (sorted arrays per
 * keyspace, snapshots by copying, optional whole-file persistence). The conformance suite
 * runs against it to prove the suite itself, and it documents the contract by example.
 */
import { basename, dirname } from 'node:path';
import {
  ChunkedIterator,
  DirectoryLock,
  Lifecycle,
  prepareDirectory,
  ioError,
  nodeFileSystem,
  TidekvError,
  assertKey,
  assertKeys,
  assertKeyspaceName,
  assertValue,
  assertWriteOptions,
  normalizeRange,
  normalizeIterateRange,
  resolveWriteOps,
  type Capabilities,
  type EngineFactory,
  type Entry,
  type EntryIterator,
  type IterateOptions,
  type Keyspace,
  type Range,
  type ReadableKeyspace,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
} from '@tidekv/core';
import { SortedTable } from './sorted-table.js';
import { encodeImage, readImage, writeImageDurably } from './file-image.js';

export interface ReferenceEngineOptions {
  /** A file to persist to. Absent: data lives only in memory. */
  path?: string;
  /** Defaults to 4096. */
  maxKeySize?: number;
  /** Defaults to 16 MiB. */
  maxValueSize?: number;
}

const DEFAULT_CAPABILITIES: Capabilities = Object.freeze({
  persistent: false,
  syncReads: true,
  snapshots: true,
  maxKeySize: 4096,
  maxValueSize: 16 * 1024 * 1024,
});

/** A plain Uint8Array copy: Buffer#slice would be a view of the caller's memory. */
const copy = (bytes: Uint8Array) => Uint8Array.prototype.slice.call(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const copyEntry = ([key, value]: Entry): Entry => [copy(key), copy(value)];

/** Reads over one table; shared by live keyspaces and snapshot views. */
class TableReader implements ReadableKeyspace {
  constructor(
    readonly name: string,
    protected readonly table: () => SortedTable | undefined,
    protected readonly lifecycle: Lifecycle,
    protected readonly capabilities: Capabilities,
  ) {}

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return Promise.resolve(this.getSync(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    this.lifecycle.assertOpen();
    assertKey(key, this.capabilities.maxKeySize);
    const value = this.table()?.get(key);
    return value && copy(value);
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.lifecycle.assertOpen();
    assertKeys(keys, this.capabilities.maxKeySize);
    return keys.map((key) => {
      const value = this.table()?.get(key);
      return value && copy(value);
    });
  }

  iterate(options: IterateOptions = {}): EntryIterator {
    this.lifecycle.assertOpen();
    const range = normalizeIterateRange(options);
    let after: Uint8Array | undefined;
    const iterator: ChunkedIterator = new ChunkedIterator(
      {
        read: (max) => {
          if (range.empty) return [];
          const entries = this.table()?.scan(range, after, max) ?? [];
          if (entries.length > 0) after = entries[entries.length - 1]![0];
          return entries.map(copyEntry);
        },
      },
      {
        limit: range.limit,
        signal: options.signal,
        chunkSize: 16,
        assertOpen: () => this.lifecycle.assertOpen(),
        onClose: () => this.lifecycle.untrack(iterator),
      },
    );
    this.lifecycle.track(iterator);
    return iterator;
  }

  *iterateSync(options: Range = {}): Iterable<Entry> {
    this.lifecycle.assertOpen();
    const range = normalizeIterateRange(options);
    if (range.empty) return;
    let after: Uint8Array | undefined;
    let remaining = range.limit;
    while (remaining > 0) {
      this.lifecycle.assertOpen();
      if (range.signal?.aborted) throw new TidekvError('ABORTED', 'the iteration was aborted', { cause: range.signal.reason });
      const chunk = this.table()?.scan(range, after, Math.min(remaining, 64)) ?? [];
      if (chunk.length === 0) return;
      after = chunk[chunk.length - 1]![0];
      remaining -= chunk.length;
      for (const entry of chunk) yield copyEntry(entry);
    }
  }
}

class ReferenceKeyspace extends TableReader implements Keyspace {
  constructor(
    name: string,
    private readonly engine: ReferenceEngine,
  ) {
    super(name, () => engine.tables.get(name), engine.lifecycle, engine.capabilities);
  }

  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    return this.engine.write([{ type: 'put', keyspace: this.name, key, value }], options);
  }

  del(key: Uint8Array, options?: WriteOptions): Promise<void> {
    return this.engine.write([{ type: 'del', keyspace: this.name, key }], options);
  }

  clear(range: Range = {}, options?: WriteOptions): Promise<void> {
    try {
      normalizeRange(range); // the same rules as iterate, checked before reverse/limit are dropped
    } catch (error) {
      return Promise.reject(error);
    }
    const { reverse: _reverse, limit: _limit, ...bounds } = range;
    return this.engine.write([{ type: 'delRange', keyspace: this.name, range: bounds }], options);
  }
}

class ReferenceSnapshot implements Snapshot {
  readonly lifecycle = new Lifecycle('snapshot');

  constructor(
    private readonly tables: Map<string, SortedTable>,
    private readonly capabilities: Capabilities,
    private readonly engineLifecycle: Lifecycle,
  ) {}

  keyspace(name: string): ReadableKeyspace {
    this.lifecycle.assertOpen();
    assertKeyspaceName(name);
    return new TableReader(name, () => this.tables.get(name), this.lifecycle, this.capabilities);
  }

  close(): Promise<void> {
    return this.lifecycle.close(() => {
      this.engineLifecycle.untrack(this);
      this.tables.clear();
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export class ReferenceEngine implements StorageEngine {
  readonly lifecycle = new Lifecycle('engine');
  readonly tables: Map<string, SortedTable>;
  readonly capabilities: Capabilities;
  readonly #path: string | undefined;
  readonly #lock: DirectoryLock | undefined;
  #dirty = false;

  /** `lock`: the location's lock, which close() releases (openReference takes it). */
  constructor(options: ReferenceEngineOptions = {}, lock?: DirectoryLock) {
    this.#path = options.path;
    this.#lock = lock;
    this.capabilities = Object.freeze({
      ...DEFAULT_CAPABILITIES,
      persistent: options.path !== undefined,
      maxKeySize: options.maxKeySize ?? DEFAULT_CAPABILITIES.maxKeySize,
      maxValueSize: options.maxValueSize ?? DEFAULT_CAPABILITIES.maxValueSize,
    });
    this.tables = options.path === undefined ? new Map() : readImage(options.path);
  }

  keyspace(name: string): Keyspace {
    this.lifecycle.assertOpen();
    assertKeyspaceName(name);
    return new ReferenceKeyspace(name, this);
  }

  async write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    this.lifecycle.assertOpen();
    assertWriteOptions(options);
    const resolved = resolveWriteOps(ops, this.capabilities); // validates every op first
    for (const op of resolved) {
      let table = this.tables.get(op.keyspace);
      if (!table) this.tables.set(op.keyspace, (table = new SortedTable()));
      if (op.type === 'put') table.put(copy(op.key), copy(op.value));
      else if (op.type === 'del') table.del(op.key);
      else if (!op.range.empty) table.deleteRange(op.range);
    }
    this.#dirty ||= resolved.length > 0;
    if (options?.sync) this.#persist();
  }

  snapshot(): Snapshot {
    this.lifecycle.assertOpen();
    const copies = new Map([...this.tables].map(([name, table]) => [name, table.clone()]));
    const snapshot = new ReferenceSnapshot(copies, this.capabilities, this.lifecycle);
    this.lifecycle.track(snapshot);
    return snapshot;
  }

  async flush(): Promise<void> {
    this.lifecycle.assertOpen();
    this.#persist();
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      try {
        this.#persist();
      } finally {
        await this.#lock?.release();
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Writes the whole image (temp file, fsync, rename): a failed write leaves the last image
   * intact and the engine dirty, so the next durable write writes everything again.
   */
  #persist(): void {
    if (this.#path === undefined || !this.#dirty) return;
    try {
      writeImageDurably(this.#path, encodeImage(this.tables));
    } catch (error) {
      throw ioError('writing image', error, this.#path);
    }
    this.#dirty = false;
  }
}

function assertOptions(options: unknown): asserts options is ReferenceEngineOptions {
  if (options === null || typeof options !== 'object') {
    throw new TidekvError('INVALID_OPTION', 'reference engine options must be an object');
  }
  const { path, maxKeySize, maxValueSize } = options as ReferenceEngineOptions;
  if (path !== undefined && (typeof path !== 'string' || path === '')) {
    throw new TidekvError('INVALID_OPTION', 'options.path must be a non-empty string');
  }
  for (const [name, value] of [['maxKeySize', maxKeySize], ['maxValueSize', maxValueSize]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new TidekvError('INVALID_OPTION', `options.${name} must be an integer >= 1`);
    }
  }
}

/**
 * Opens a reference engine; with `path` it persists to that file, and holds the lock on
 * its directory (core's DirectoryLock, lock file `<file name>.lock`) until closed.
 */
export async function openReference(options: ReferenceEngineOptions = {}): Promise<StorageEngine> {
  assertOptions(options);
  if (options.path === undefined) return new ReferenceEngine(options);
  const dir = dirname(options.path);
  await prepareDirectory(nodeFileSystem, dir, true);
  const lock = await DirectoryLock.acquire(nodeFileSystem, dir, { file: `${basename(options.path)}.lock`, what: 'the reference engine' });
  try {
    return new ReferenceEngine(options, lock);
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
}

/**
 * The reference engine's factory. Its capabilities describe an engine opened without a
 * path; with `path`, the engine's own capabilities report `persistent: true`.
 */
export const referenceEngine: EngineFactory<ReferenceEngineOptions> = Object.freeze({
  name: 'reference',
  capabilities: DEFAULT_CAPABILITIES,
  open: openReference,
});

