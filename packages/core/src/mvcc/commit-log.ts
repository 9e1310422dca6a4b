/**
 * The WAL side of the MVCC store: one WAL record per commit, holding its revision and its
 * changes in sub-revision order. A commit is durable when its record is; the engine gets the
 * same changes afterwards, unsynced, and `meta.appliedLsn` says how far it got, so reopen
 * replays exactly the records after it.
 *
 * Record payload, big-endian:
 *     u8  format (1, or 2 when lease records follow)
 *     u64 main revision (format 2: 0 when the commit changed no key)
 *     u32 number of changes N
 *     N × { u8 tombstone (0/1), u32 length L, L bytes encodeKeyValue(kv) }
 *   format 2 only:
 *     u32 number of lease record writes M
 *     M × { u8 kind (1 put, 2 delete), u64 id, u64 ttl, u64 remainingMs }
 * Lease grants, checkpoints and revokes are commits like any other: durable through the log,
 * applied to the `lease` keyspace in the same engine write as the commit's changes.
 * A compaction is a record of its own: u8 format (3), u64 compaction revision. (The store
 * also writes it to `meta` at once; the record matters for an engine that keeps nothing,
 * whose whole history is replayed from the log.)
 * The WAL frames every record with its own checksum.
 */
import { TidekvError } from '../errors.js';
import { readSafeU64BE, writeU64BE } from '../codec/u64.js';
import { Wal } from '../wal/wal.js';
import type { WalOptions } from '../wal/options.js';
import { allocBytes } from '../codec/byte-slab.js';
import { CHECKSUM_BYTES, decodeKeyValue, sealChange, writeU32 } from './layout.js';
import type { LeaseRecord } from './lease/lease.js';
import type { Change } from './txn.js';

const FORMAT = 1;
const FORMAT_WITH_LEASES = 2;
const FORMAT_COMPACTION = 3;
const LEASE_OP_BYTES = 25;

/** A write to the `lease` keyspace that rides on a commit. */
export type LeaseOp = { type: 'put'; record: LeaseRecord } | { type: 'delete'; id: number };

export interface Commit {
  /** 0 when the commit changed no key (only lease records). */
  revision: number;
  changes: Change[];
  leaseOps: LeaseOp[];
  /** Set on a compaction record (then revision is 0 and there are no changes). */
  compact?: number;
}

export function encodeCompaction(revision: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = FORMAT_COMPACTION;
  writeU64BE(out, 1, revision);
  return out;
}

export function encodeCommit(revision: number, changes: readonly Change[], leaseOps: readonly LeaseOp[] = []): Uint8Array {
  const leaseBytes = leaseOps.length > 0 ? 4 + LEASE_OP_BYTES * leaseOps.length : 0;
  let size = 13 + leaseBytes;
  // Each change's KeyValue bytes are encoded once, into its stored value, and copied from there.
  for (const change of changes) size += 5 + sealChange(change).length - CHECKSUM_BYTES;
  const out = allocBytes(size);
  out[0] = leaseOps.length > 0 ? FORMAT_WITH_LEASES : FORMAT;
  writeU64BE(out, 1, revision);
  writeU32(out, 9, changes.length);
  let at = 13;
  for (const change of changes) {
    const stored = change.stored!;
    // The stored value is checksum ++ body: copied one byte in, its 4 checksum bytes land
    // on the length field, which is then written over.
    out.set(stored, at + 1);
    out[at] = change.tombstone ? 1 : 0;
    writeU32(out, at + 1, stored.length - CHECKSUM_BYTES);
    at += 1 + stored.length;
  }
  if (leaseOps.length > 0) {
    writeU32(out, at, leaseOps.length);
    at += 4;
    for (const op of leaseOps) {
      out[at] = op.type === 'put' ? 1 : 2;
      writeU64BE(out, at + 1, op.type === 'put' ? op.record.id : op.id);
      writeU64BE(out, at + 9, op.type === 'put' ? op.record.ttl : 0);
      writeU64BE(out, at + 17, op.type === 'put' ? op.record.remainingMs : 0);
      at += LEASE_OP_BYTES;
    }
  }
  return out;
}

function damaged(lsn: number, what: string): TidekvError {
  return new TidekvError('CORRUPTION', `MVCC commit log: record ${lsn} ${what}`, { details: { lsn } });
}

/**
 * The commit in `payload`. Each change's `kv` and `body` are views into `payload` (no copy):
 * copy what is kept beyond the payload's life.
 */
export function decodeCommit(payload: Uint8Array, lsn: number): Commit {
  const format = payload[0];
  if (format === FORMAT_COMPACTION) {
    const compact = payload.length === 9 ? readSafeU64BE(payload, 1) : undefined;
    if (compact === undefined) throw damaged(lsn, 'is not a compaction record');
    return { revision: 0, changes: [], leaseOps: [], compact };
  }
  if (payload.length < 13 || (format !== FORMAT && format !== FORMAT_WITH_LEASES)) throw damaged(lsn, 'is not an MVCC commit');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const revision = readSafeU64BE(payload, 1);
  const leaseOnly = format === FORMAT_WITH_LEASES && revision === 0;
  if (revision === undefined || (revision < 2 && !leaseOnly)) throw damaged(lsn, 'has an impossible revision');
  const count = view.getUint32(9);
  const changes: Change[] = [];
  let at = 13;
  for (let sub = 0; sub < count; sub++) {
    if (at + 5 > payload.length) throw damaged(lsn, 'is truncated');
    const tombstone = payload[at] === 1;
    const length = view.getUint32(at + 1);
    if (at + 5 + length > payload.length) throw damaged(lsn, 'is truncated');
    const body = payload.subarray(at + 5, at + 5 + length);
    changes.push({ revision: { main: revision, sub }, tombstone, kv: decodeKeyValue(body), body, storageKey: undefined, stored: undefined });
    at += 5 + length;
  }
  const leaseOps: LeaseOp[] = [];
  if (format === FORMAT_WITH_LEASES) {
    if (at + 4 > payload.length) throw damaged(lsn, 'is truncated');
    const leaseCount = view.getUint32(at);
    at += 4;
    if (leaseCount === 0 || at + leaseCount * LEASE_OP_BYTES > payload.length) throw damaged(lsn, 'has a bad lease section');
    for (let i = 0; i < leaseCount; i++, at += LEASE_OP_BYTES) {
      const kind = payload[at];
      const id = readSafeU64BE(payload, at + 1);
      const ttl = readSafeU64BE(payload, at + 9);
      const remainingMs = readSafeU64BE(payload, at + 17);
      if (id === undefined || ttl === undefined || remainingMs === undefined || (kind !== 1 && kind !== 2)) throw damaged(lsn, 'has a bad lease record');
      leaseOps.push(kind === 1 ? { type: 'put', record: { id, ttl, remainingMs } } : { type: 'delete', id });
    }
  }
  if (at !== payload.length || (count === 0) !== leaseOnly) throw damaged(lsn, 'has trailing or missing bytes');
  return { revision, changes, leaseOps };
}

export interface CommitLogOptions extends WalOptions {
  dir: string;
  /** Checkpoint (flush the engine, truncate the log) once this many bytes were logged since the last one. Default 64 MiB. */
  checkpointBytes?: number;
  /** Checkpoint at least this often while commits arrive, in ms. Default 60000. */
  checkpointIntervalMs?: number;
}

export const COMMIT_LOG_OPTION_NAMES = ['dir', 'checkpointBytes', 'checkpointIntervalMs'] as const;

/** The store's log of commits on top of a Wal. */
export class CommitLog {
  readonly wal: Wal;
  /** Bytes appended since the last checkpoint started. */
  bytesSinceCheckpoint = 0;

  private constructor(wal: Wal) {
    this.wal = wal;
  }

  static async open(options: CommitLogOptions): Promise<CommitLog> {
    const { dir, checkpointBytes: _bytes, checkpointIntervalMs: _interval, ...walOptions } = options;
    return new CommitLog(await Wal.open(dir, walOptions));
  }

  /** A commit's record; RECORD_TOO_LARGE when the WAL would refuse it. */
  encode(revision: number, changes: readonly Change[], leaseOps: readonly LeaseOp[] = []): Uint8Array {
    const payload = encodeCommit(revision, changes, leaseOps);
    const max = this.wal.options.maxRecordBytes;
    if (payload.length > max) {
      throw new TidekvError('RECORD_TOO_LARGE', `the commit's WAL record would be ${payload.length} bytes; maxRecordBytes is ${max}`, {
        details: { size: payload.length, max },
      });
    }
    return payload;
  }

  /** Appends an encoded record; resolves with its LSN once durable. */
  append(payload: Uint8Array): Promise<number> {
    this.bytesSinceCheckpoint += payload.length;
    return this.wal.append(payload).then((result) => result.lsn);
  }

  /**
   * Appends an encoded commit without a promise of its own: returns its LSN at once (throws
   * if the log refuses it). It is durable once `wal.durableLsn` reaches that LSN;
   * `groupSettled()`, called right after, is the promise of its commit group, shared by every
   * commit in it, so the store waits once per group and not once per commit.
   */
  appendCommit(payload: Uint8Array): number {
    const lsn = this.wal.appendInGroup(payload);
    this.bytesSinceCheckpoint += payload.length;
    return lsn;
  }

  groupSettled(): Promise<void> {
    return this.wal.groupSettled();
  }

  /**
   * The commits after `appliedLsn`, oldest first. Their changes are views into a read buffer
   * that is reused once the next commit is asked for: copy what is kept.
   */
  async *replay(appliedLsn: number): AsyncGenerator<Commit & { lsn: number }> {
    if (this.wal.lastLsn < appliedLsn) {
      throw new TidekvError('CORRUPTION', `the WAL in ${this.wal.dir} ends at LSN ${this.wal.lastLsn}, before the engine's applied LSN ${appliedLsn}: they do not belong together`, {
        details: { dir: this.wal.dir, lastLsn: this.wal.lastLsn, appliedLsn },
      });
    }
    if (this.wal.lastLsn === appliedLsn) return;
    if (this.wal.firstLsn > appliedLsn + 1) {
      throw new TidekvError('CORRUPTION', `the WAL in ${this.wal.dir} starts at LSN ${this.wal.firstLsn}; records after ${appliedLsn} are missing`, {
        details: { dir: this.wal.dir, firstLsn: this.wal.firstLsn, appliedLsn },
      });
    }
    for await (const record of this.wal.replay({ from: appliedLsn + 1 })) {
      yield { lsn: record.lsn, ...decodeCommit(record.payload, record.lsn) };
    }
  }
}
