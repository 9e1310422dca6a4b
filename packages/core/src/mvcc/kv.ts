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
  /**
   * zlib's CRC-32, chained in revision order over every stored revision r <= `revision` that
   * is above compactRevision or is its key's latest change <= compactRevision and a put (a
   * tombstone at or below compactRevision is never hashed): each contributes its revision key
   * (17 bytes, 18 for a tombstone) then encodeKeyValue(kv) (a tombstone: the key alone).
   * Equal on every backend, after reopen, and before and after physical compaction.
   */
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

// ---------------------------------------------------------------------------------------------
// Watch
// ---------------------------------------------------------------------------------------------

/** 'noput' drops put events, 'nodelete' drops delete events (etcd's NOPUT / NODELETE). */
export type WatchFilter = 'noput' | 'nodelete';

export interface WatchOptions {
  /** etcd's range_end, as in range(). Excludes `prefix`. An end <= key (other than "\0"): INVALID_RANGE. */
  end?: Bytes;
  /** Every key starting with `key`. Excludes `end`. */
  prefix?: boolean;
  /**
   * First revision to report. 0 or absent: the next one (current + 1). <= current: history
   * first, then live. > current: waits for it. Below compactRevision: one response carrying
   * `compactRevision`, then the stream ends.
   */
  startRevision?: number;
  /** Attach each event's previous KeyValue (absent for creates, and when that was compacted). */
  prevKv?: boolean;
  filters?: WatchFilter[];
  /** Also send periodic progress notifications while the watch is caught up and idle. */
  progressNotify?: boolean;
  /** Aborting ends the stream (the iterator finishes; no error). */
  signal?: AbortSignal;
}

/**
 * One change. A put carries the full KeyValue ("create" when createRevision === modRevision);
 * a delete carries `{ key, modRevision: the delete's revision }` with every other field zero
 * or empty, as etcd does.
 */
export interface WatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

/**
 * One message of a watch stream. Every event of this watch with a revision <= `revision` has
 * been delivered once this response is read, so a watch resumed at `revision + 1` misses
 * nothing and repeats nothing. The events of one revision are never split across responses.
 */
export interface WatchResponse {
  /** In (revision, sub-revision) order; empty for progress and compaction notices. */
  events: WatchEvent[];
  revision: number;
  /** Present on the last response of a watch whose next revision was compacted away. */
  compactRevision?: number;
  /** True on a progress notification (no events): a bookmark at `revision`. */
  progress?: boolean;
}

/**
 * A running watch: iterate it with `for await`. It ends (done) when cancelled, aborted,
 * compacted past, or when the store closes. It never blocks writers: a consumer that falls
 * behind is caught up from stored history, losing nothing.
 */
export interface WatchStream extends AsyncIterableIterator<WatchResponse>, AsyncDisposable {
  /** Queue a progress notification, sent as soon as the watch is caught up. */
  requestProgress(): void;
  /** Ends the watch and releases everything it holds. Idempotent. */
  cancel(): void;
  return(): Promise<IteratorResult<WatchResponse>>;
}

/** The watch half of etcd's API. */
export interface WatchKV {
  /** Streams the changes to `key` (or a range) from `startRevision` on. Bad input or a closed store throw at once. */
  watch(key: Bytes, options?: WatchOptions): WatchStream;
}

// ---------------------------------------------------------------------------------------------
// Leases
// ---------------------------------------------------------------------------------------------

export interface LeaseGrantOptions {
  /** Use this id (a positive safe integer); 0 or absent: assign a fresh one. Taken: LEASE_EXISTS. */
  id?: number;
}

export interface LeaseGrantResponse {
  id: number;
  /** The granted TTL in seconds (raised to the store's minimum TTL when below it). */
  ttl: number;
}

export interface LeaseRevokeResponse {
  /** The revision of the deletes; the current revision when no key was attached. */
  revision: number;
}

export interface LeaseKeepAliveResponse {
  id: number;
  /** The TTL the lease was renewed for, in seconds. */
  ttl: number;
}

export interface LeaseKeepAliveOptions {
  /** Renewal period in milliseconds; default a third of the lease's TTL. */
  intervalMs?: number;
  /** Aborting ends the stream. */
  signal?: AbortSignal;
}

export interface LeaseTimeToLiveOptions {
  /** Also list the attached keys (in key order). */
  keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
  id: number;
  /** Remaining seconds (rounded down); -1 when the lease does not exist or has expired. */
  ttl: number;
  /** The TTL the lease was granted with; 0 when it does not exist. */
  grantedTtl: number;
  keys?: Uint8Array[];
}

export interface LeaseListResponse {
  leases: { id: number }[];
}

/**
 * The lease half of etcd's API. A lease expires `ttl` seconds after its grant or last
 * keep-alive; expiry and revoke delete every attached key in one revision (in key order, one
 * delete event each) and use no revision when no key is attached. Remaining TTLs survive a
 * reopen. Unknown ids fail LEASE_NOT_FOUND (except leaseTimeToLive, which reports ttl -1).
 */
export interface LeaseKV {
  /** TTL in whole seconds >= 0; above the maximum: LEASE_TTL_TOO_LARGE. Uses no revision. */
  leaseGrant(ttlSeconds: number, options?: LeaseGrantOptions): Promise<LeaseGrantResponse>;
  leaseRevoke(id: number): Promise<LeaseRevokeResponse>;
  /** Renews the lease once: it now expires `ttl` seconds from now. */
  leaseKeepAlive(id: number): Promise<LeaseKeepAliveResponse>;
  /** Renews the lease periodically until the stream ends; one response per renewal. */
  leaseKeepAliveStream(id: number, options?: LeaseKeepAliveOptions): AsyncIterableIterator<LeaseKeepAliveResponse>;
  leaseTimeToLive(id: number, options?: LeaseTimeToLiveOptions): Promise<LeaseTimeToLiveResponse>;
  /** Every live lease, by id ascending. */
  leases(): Promise<LeaseListResponse>;
}

/** etcd's whole KV, Watch and Lease API, as MvccStore offers it. */
export interface WatchLeaseKV extends KV, WatchKV, LeaseKV {}
