/**
 * The slice of lmdb-js this adapter uses, typed for binary keys and values. lmdb-js's own
 * typings are generic over JS keys; these say exactly what the adapter relies on.
 */

/** An lmdb-js read transaction (from useReadTransaction); `done()` releases it. */
export interface ReadTxn {
  done(): void;
}

export interface RangeOptions {
  start?: Uint8Array;
  end?: Uint8Array;
  reverse: boolean;
  exclusiveStart: boolean;
  inclusiveEnd: boolean;
  limit?: number;
  transaction?: ReadTxn;
  /** false: iterate keys only. */
  values?: boolean;
}

export interface RangeEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** One keyspace: an LMDB named database opened with the tag-byte key encoder and binary values. */
export interface Store {
  getBinary(key: Uint8Array, options?: { transaction: ReadTxn }): Uint8Array | undefined;
  getRange(options: RangeOptions): Iterable<RangeEntry>;
  getKeys(options: RangeOptions): Iterable<Uint8Array>;
  put(key: Uint8Array, value: Uint8Array): Promise<boolean>;
  remove(key: Uint8Array): Promise<boolean>;
  putSync(key: Uint8Array, value: Uint8Array): boolean;
  removeSync(key: Uint8Array): boolean;
  clearSync(): void;
  clearAsync(): Promise<boolean>;
}

/** The environment's root database: the handle for transactions, durability and close. */
export interface Env {
  openDB(name: string, options: object): Store;
  getKeys(options?: object): Iterable<Uint8Array>;
  useReadTransaction(): ReadTxn;
  batch(action: () => void): Promise<boolean>;
  transaction<T>(action: () => T): Promise<T>;
  transactionSync<T>(action: () => T): T;
  childTransaction<T>(action: () => T): Promise<T>;
  /** mdb_env_sync on a libuv thread: everything committed is made durable. */
  sync(callback: (error?: unknown) => void): void;
  readerList(): string;
  /** Settles with the last commit queued so far (lmdb-js's current commit promise). */
  readonly committed: PromiseLike<unknown>;
  close(): Promise<void>;
}
