/**
 * The WAL side of the MVCC store: one WAL record per commit, holding its revision and its
 * changes in sub-revision order. A commit is durable when its record is; the engine gets the
 * same changes afterwards, unsynced, and `meta.appliedLsn` says how far it got, so reopen
 * replays exactly the records after it.
 *
 * Record payload, big-endian:
 *     u8  format (1)
 *     u64 main revision
 *     u32 number of changes N
 *     N × { u8 tombstone (0/1), u32 length L, L bytes encodeKeyValue(kv) }
 * The WAL frames every record with its own checksum.
 */
import { TidekvError } from '../errors.js';
import { readSafeU64, writeU64 } from '../codec/u64.js';
import { Wal } from '../wal/wal.js';
import type { WalOptions } from '../wal/options.js';
import { decodeKeyValue, encodeKeyValue, tombstoneKeyValue } from './layout.js';
import type { Change } from './txn.js';

const FORMAT = 1;

export interface Commit {
  revision: number;
  changes: Change[];
}

export function encodeCommit(revision: number, changes: readonly Change[]): Uint8Array {
  const bodies = changes.map((c) => encodeKeyValue(c.tombstone ? tombstoneKeyValue(c.kv.key) : c.kv));
  const size = 13 + bodies.reduce((sum, b) => sum + 5 + b.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = FORMAT;
  writeU64(out, 1, revision);
  view.setUint32(9, changes.length);
  let at = 13;
  bodies.forEach((body, i) => {
    out[at] = changes[i]!.tombstone ? 1 : 0;
    view.setUint32(at + 1, body.length);
    out.set(body, at + 5);
    at += 5 + body.length;
  });
  return out;
}

function damaged(lsn: number, what: string): TidekvError {
  return new TidekvError('CORRUPTION', `MVCC commit log: record ${lsn} ${what}`, { details: { lsn } });
}

export function decodeCommit(payload: Uint8Array, lsn: number): Commit {
  if (payload.length < 13 || payload[0] !== FORMAT) throw damaged(lsn, 'is not an MVCC commit');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const revision = readSafeU64(payload, 1);
  if (revision === undefined || revision < 2) throw damaged(lsn, 'has an impossible revision');
  const count = view.getUint32(9);
  const changes: Change[] = [];
  let at = 13;
  for (let sub = 0; sub < count; sub++) {
    if (at + 5 > payload.length) throw damaged(lsn, 'is truncated');
    const tombstone = payload[at] === 1;
    const length = view.getUint32(at + 1);
    if (at + 5 + length > payload.length) throw damaged(lsn, 'is truncated');
    const kv = decodeKeyValue(payload.subarray(at + 5, at + 5 + length));
    changes.push({ revision: { main: revision, sub }, tombstone, kv });
    at += 5 + length;
  }
  if (at !== payload.length || count === 0) throw damaged(lsn, 'has trailing or missing bytes');
  return { revision, changes };
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
  encode(revision: number, changes: readonly Change[]): Uint8Array {
    const payload = encodeCommit(revision, changes);
    const max = this.wal.options.maxRecordBytes;
    if (payload.length > max) {
      throw new TidekvError('RECORD_TOO_LARGE', `the commit's WAL record would be ${payload.length} bytes; maxRecordBytes is ${max}`, {
        details: { size: payload.length, max },
      });
    }
    return payload;
  }

  /** Appends an encoded commit; resolves with its LSN once durable. */
  append(payload: Uint8Array): Promise<number> {
    this.bytesSinceCheckpoint += payload.length;
    return this.wal.append(payload).then((result) => result.lsn);
  }

  /** The commits after `appliedLsn`, oldest first. */
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
