/**
 * The public surface of tidekv's versioned store: etcd v3's key-value API, method for method.
 * `MvccStore` implements it over any StorageEngine; a client of a real etcd cluster can
 * implement it too, and `describeMvcc` (in @tidekv/conformance) proves any implementation.
 *
 * This file holds the types and the rule of each method, nothing else. The behaviours are
 * etcd's exactly (see the core README's MVCC section):
 *
 * - A new store is at revision 1; the first change gets 2. Every put, deleteRange or txn that
 *   changes something uses exactly one main revision (its changes get sub-revisions 0..n-1
 *   in op order); one that changes nothing uses none. Revisions never go backwards.
 * - `end` follows etcd's range_end: absent = the single key; `"\0"` = every key >= key
 *   (`key = "\0", end = "\0"` = every key); `prefix: true` = every key starting with key.
 *   An `end` <= key selects nothing. The empty key is refused (INVALID_KEY).
 * - Keys, values and compare values accept Uint8Array or string (UTF-8); results are bytes.
 * - Numbers (revisions, versions, counts, leases) are non-negative safe integers.
 */

/** Bytes as given by a caller: a Uint8Array, or a string taken as UTF-8. */
export type Bytes = Uint8Array | string;

/** One key's state at one revision, as etcd's mvccpb.KeyValue. */
export interface KeyValue {
  key: Uint8Array;
  value: Uint8Array;
  /** Revision of the put that created the key's current generation. */
  createRevision: number;
  /** Revision of the latest change to the key. */
  modRevision: number;
  /** Number of puts in the current generation: 1 on create. */
  version: number;
  /** Attached lease id, 0 for none. */
  lease: number;
}

export interface PutOptions {
  /** Attach the key to this lease (0 or absent: no lease, detaching any). Unknown: LEASE_NOT_FOUND. */
  lease?: number;
  /** Return the key's previous KeyValue (absent when the key did not exist). */
  prevKv?: boolean;
  /** Keep the current value (pass an empty value). The key must exist: KEY_NOT_FOUND. */
  ignoreValue?: boolean;
  /** Keep the current lease (pass no lease). The key must exist: KEY_NOT_FOUND. */
  ignoreLease?: boolean;
}

export interface PutResponse {
  revision: number;
  prevKv?: KeyValue;
}

export type SortOrder = 'none' | 'ascend' | 'descend';
export type SortTarget = 'key' | 'version' | 'create' | 'mod' | 'value';

export interface RangeOptions {
  /** etcd's range_end: see the file header. Excludes `prefix`. */
  end?: Bytes;
  /** Every key starting with `key`. Excludes `end`. */
  prefix?: boolean;
  /** Read at this revision; 0 or absent: current. Below compactRevision: COMPACTED; above current: FUTURE_REV. */
  revision?: number;
  /** Maximum kvs returned; 0 or absent: no limit. */
  limit?: number;
  /** Return only `count`, no kvs. */
  countOnly?: boolean;
  /** Return kvs with empty values. */
  keysOnly?: boolean;
  /** Default: key ascending. A non-key target with order 'none' sorts ascending. */
  sort?: { order?: SortOrder; target?: SortTarget };
  /** Inclusive filters, 0 or absent = unset; applied before limit, not reflected in count. */
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  kvs: KeyValue[];
  /** Keys in the range at the read revision, ignoring limit and the min/max filters. */
  count: number;
  /** True only when kvs was cut short by limit. */
  more: boolean;
  /** The store's current revision when the read ran (not the requested one). */
  revision: number;
}

export interface DeleteRangeOptions {
  end?: Bytes;
  prefix?: boolean;
  /** Return the deleted keys' KeyValues, in key order. */
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  deleted: number;
  revision: number;
  prevKvs?: KeyValue[];
}

export type CompareResult = '=' | '!=' | '<' | '>';

interface CompareBase {
  key: Bytes;
  end?: Bytes;
  prefix?: boolean;
  result: CompareResult;
}

/**
 * A txn guard, evaluated at the txn's read revision. With a range every key in it must
 * satisfy it. On a missing key a 'value' compare is false; the other targets compare
 * against 0 (so `create = 0` means "absent").
 */
export type Compare =
  | (CompareBase & { target: 'value'; value: Bytes })
  | (CompareBase & { target: 'version' | 'create' | 'mod' | 'lease'; value: number });

export type CompareTarget = Compare['target'];

export type RequestOp =
  | ({ type: 'put'; key: Bytes; value: Bytes } & PutOptions)
  | ({ type: 'range'; key: Bytes } & RangeOptions)
  | ({ type: 'deleteRange'; key: Bytes } & DeleteRangeOptions)
  | { type: 'txn'; txn: TxnRequest };

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

/** responses[i] of a txn: the i-th op's response without its own revision. */
export type ResponseOp =
  | ({ type: 'put' } & Omit<PutResponse, 'revision'>)
  | ({ type: 'range' } & Omit<RangeResponse, 'revision'>)
  | ({ type: 'deleteRange' } & Omit<DeleteRangeResponse, 'revision'>)
  | ({ type: 'txn' } & Omit<TxnResponse, 'revision'>);

export interface TxnResponse {
  succeeded: boolean;
  responses: ResponseOp[];
  revision: number;
}

export interface CompactOptions {
  /** Resolve only once the physical removal has finished (etcd's `physical`). */
  physical?: boolean;
}

export interface CompactResponse {
  revision: number;
}

export interface HashKVResponse {
  /** CRC-32C over every kept (revision key, stored value) up to `revision`; equal on every backend. */
  hash: number;
  revision: number;
  /** -1 when the store was never compacted, as etcd reports. */
  compactRevision: number;
}

/**
 * etcd's KV API. Every method validates its whole input before it changes anything: bad
 * input is a TidekvError (INVALID_KEY, INVALID_ARGUMENT, TOO_MANY_OPS, DUPLICATE_KEY...)
 * that writes nothing and uses no revision. After close() every method fails NOT_OPEN.
 */
export interface KV extends AsyncDisposable {
  /** Sets `key` to `value`: one new revision, version + 1 (1 when the key was absent). */
  put(key: Bytes, value: Bytes, options?: PutOptions): Promise<PutResponse>;
  /** Reads a key or range at one revision, consistently. */
  range(key: Bytes, options?: RangeOptions): Promise<RangeResponse>;
  /** Deletes every live key in the range: one tombstone each, all in one revision; none if nothing matched. */
  deleteRange(key: Bytes, options?: DeleteRangeOptions): Promise<DeleteRangeResponse>;
  /** If every compare holds, runs `success`, else `failure`: atomically, in at most one revision. */
  txn(request: TxnRequest): Promise<TxnResponse>;
  /**
   * Forgets history below `revision`: reads below it fail COMPACTED from now on.
   * `revision` <= compactRevision: COMPACTED; > current: FUTURE_REV.
   */
  compact(revision: number, options?: CompactOptions): Promise<CompactResponse>;
  /** Hash of the store's kept history up to `revision` (0 or absent: current). */
  hashKV(revision?: number): Promise<HashKVResponse>;
  /** The current revision: the latest one acknowledged to its writer. */
  readonly revision: number;
  /** The latest compaction revision; -1 when never compacted. */
  readonly compactRevision: number;
  /** Idempotent. Waits for acknowledged commits; later calls fail NOT_OPEN. */
  close(): Promise<void>;
}
