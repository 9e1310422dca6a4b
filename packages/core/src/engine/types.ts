/**
 * The storage-engine contract every tidekv adapter implements. Keys and values are
 * Uint8Array (a Buffer is one); order is bytewise everywhere; empty keys are legal.
 */

/** A key range. All fields are optional; `gte`/`lte` win over `gt`/`lt` when both are given. */
export interface Range {
  gt?: Uint8Array;
  gte?: Uint8Array;
  lt?: Uint8Array;
  lte?: Uint8Array;
  /** Shorthand for [prefix, prefixSuccessor(prefix)); intersected with any other bounds. */
  prefix?: Uint8Array;
  /** Same entries, descending. */
  reverse?: boolean;
  /** Maximum number of entries; reverse + limit returns the highest keys. Infinity = none. */
  limit?: number;
}

export interface IterateOptions extends Range {
  /** Aborting rejects pending and later reads with ABORTED and closes the iterator. */
  signal?: AbortSignal;
}

export type Entry = [key: Uint8Array, value: Uint8Array];

export type WriteOp =
  | { type: 'put'; keyspace?: string; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; keyspace?: string; key: Uint8Array }
  | { type: 'delRange'; keyspace?: string; range: Range };

export interface WriteOptions {
  /** true: resolve only once the write is durable (fsync or the backend's equivalent). */
  sync?: boolean;
}

/** Static facts about an engine: identical before and after open. */
export interface Capabilities {
  /** Data survives close + reopen of the same location. */
  persistent: boolean;
  /** getSync / iterateSync are available. */
  syncReads: boolean;
  /** snapshot() gives a consistent read view. */
  snapshots: boolean;
  maxKeySize: number;
  maxValueSize: number;
}

/**
 * An async iterator over entries that fetches in chunks. Use `for await` (which closes it
 * when the loop ends), or `next` / `nextv` / `all` followed by `close`.
 */
export interface EntryIterator extends AsyncIterable<Entry>, AsyncDisposable {
  /** The next entry, or undefined at the end. */
  next(): Promise<Entry | undefined>;
  /** Up to `size` entries; an empty array means the end. */
  nextv(size: number): Promise<Entry[]>;
  /** Every remaining entry; closes the iterator. */
  all(): Promise<Entry[]>;
  /** Releases the iterator's resources. Idempotent. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Read operations, shared by keyspaces and snapshot views. */
export interface ReadableKeyspace {
  readonly name: string;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getSync?(key: Uint8Array): Uint8Array | undefined;
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  iterate(range?: IterateOptions): EntryIterator;
  iterateSync?(range?: Range): Iterable<Entry>;
}

export interface Keyspace extends ReadableKeyspace {
  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void>;
  del(key: Uint8Array, options?: WriteOptions): Promise<void>;
  /** Deletes every entry in `range` (all entries when absent); `reverse`/`limit` are ignored. */
  clear(range?: Range, options?: WriteOptions): Promise<void>;
}

/** A consistent read view of every keyspace as of the moment it was taken. */
export interface Snapshot extends AsyncDisposable {
  keyspace(name: string): ReadableKeyspace;
  /** Releases the view. Idempotent; reads afterwards fail NOT_OPEN. */
  close(): Promise<void>;
}

export interface StorageEngine extends AsyncDisposable {
  readonly capabilities: Capabilities;
  /** An isolated, named keyspace; 'default' always exists. Names match KEYSPACE_NAME_PATTERN. */
  keyspace(name: string): Keyspace;
  /** Applies `ops` in order, atomically across keyspaces: all or nothing. */
  write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void>;
  /** Present only when capabilities.snapshots is true. */
  snapshot?(): Snapshot;
  /** Everything acknowledged so far is durable once this resolves. */
  flush(): Promise<void>;
  /** Idempotent. Closes open iterators and snapshots; later operations fail NOT_OPEN. */
  close(): Promise<void>;
}

/** How the conformance suite and the benchmark open an adapter. */
export interface EngineFactory<Options = { path?: string }> {
  readonly name: string;
  readonly capabilities: Capabilities;
  open(options: Options): Promise<StorageEngine>;
}
