/**
 * The write-ahead log's public face: append records durably with group commit, replay them
 * after a restart, checkpoint to drop what has been applied elsewhere. Where each part lives:
 *
 * - open.ts: opening (directory, lock, recovery) — the one internal open function;
 * - recovery.ts: what opening does with damage, per recovery mode;
 * - group-commit.ts: commit groups, flushing, poisoning after a failed write or sync;
 * - segments.ts: planning, rotating, creating and deleting segment files;
 * - replay.ts, scan.ts, frame-reader.ts: reading frames back;
 * - FORMAT.md: the on-disk format.
 */
import { TidekvError, describeValue } from '../errors.js';
import { realByteLength } from '../engine/byte-input.js';
import { Lifecycle } from '../engine/lifecycle.js';
import type { FileSystem } from '../fs/file-system.js';
import { nodeFileSystem } from '../fs/file-system.js';
import type { DirectoryLock } from '../fs/lock.js';
import { writeCheckpoint } from './checkpoint-file.js';
import { DedupWindow, dedupKey, idBytes } from './dedup.js';
import { encodeFrame, frameLength } from './format.js';
import { type AppendResult, type CommitGroup, GroupCommit } from './group-commit.js';
import type { LimitState } from './limit-file.js';
import { openWal, walIoError } from './open.js';
import type { ResolvedWalOptions, WalOptions } from './options.js';
import type { WalRecoveryReport } from './report.js';
import { type ReplayOptions, WalReplay } from './replay.js';
import { Segments, type SegmentState } from './segments.js';

export interface AppendOptions {
  /**
   * Idempotency id (string, taken as UTF-8, or bytes; 1 to 1024 bytes). With dedupWindow > 0,
   * appending an id the window still holds writes nothing and resolves with the original LSN
   * and `duplicate: true`.
   */
  id?: string | Uint8Array;
}

/** @internal Everything a Wal is built from, once open.ts has locked and recovered its directory. */
export interface WalParts {
  dir: string;
  options: ResolvedWalOptions;
  fileSystem: FileSystem;
  lock: DirectoryLock;
  dedup: DedupWindow;
  segments: SegmentState[];
  tailFd: number | undefined;
  lastLsn: number;
  checkpointLsn: number;
  limit: LimitState | undefined;
  recovery: WalRecoveryReport;
}

/** @internal Stops `wal` as a crash would, for tests: no more I/O, lock left behind, nothing flushed. */
export function abandonWal(wal: Wal): void {
  wal[ABANDON]();
}

/** @internal Opens a log whose file-system calls go through `fileSystem` (fault injection in tests). */
export function openWalWith(fileSystem: FileSystem, dir: string, options?: WalOptions): Promise<Wal> {
  return openWal(fileSystem, dir, options);
}

const ABANDON = Symbol('abandon');

export class Wal implements AsyncDisposable {
  readonly dir: string;
  readonly options: Readonly<ResolvedWalOptions>;
  /** What opening the log found: damage, truncation, dropped or skipped records. */
  readonly recovery: WalRecoveryReport;

  readonly #fs: FileSystem;
  readonly #lock: DirectoryLock;
  readonly #lifecycle = new Lifecycle('WAL');
  readonly #dedup: DedupWindow;
  readonly #segments: Segments;
  readonly #commits: GroupCommit;
  #lastLsn: number;
  #checkpointLsn: number;
  #checkpointChain: Promise<void> = Promise.resolve();
  #activeReplays = 0;
  /** The group of the record appendInGroup() appended last. */
  #latestGroup: CommitGroup | undefined;

  /** @internal Use Wal.open; open.ts builds the parts. */
  constructor(parts: WalParts) {
    this.dir = parts.dir;
    this.options = Object.freeze({ ...parts.options });
    this.#fs = parts.fileSystem;
    this.#lock = parts.lock;
    this.#dedup = parts.dedup;
    this.#lastLsn = parts.lastLsn;
    this.#checkpointLsn = parts.checkpointLsn;
    this.recovery = parts.recovery;
    this.#segments = new Segments(parts.fileSystem, parts.dir, this.options, parts.segments, parts.tailFd, parts.limit);
    const host = this;
    this.#commits = new GroupCommit(
      parts.fileSystem,
      this.options,
      this.#segments,
      {
        dir: parts.dir,
        get isOpen() {
          return host.#lifecycle.isOpen;
        },
        get checkpointLsn() {
          return host.#checkpointLsn;
        },
      },
      parts.lastLsn,
    );
  }

  /** Opens (creating if needed) the log in `dir`, recovering it according to `options.recovery`. */
  static open(dir: string, options?: WalOptions): Promise<Wal> {
    return openWal(nodeFileSystem, dir, options);
  }

  /** The LSN of the last record appended (acknowledged or still in flight). */
  get lastLsn(): number {
    return this.#lastLsn;
  }

  /** Every record up to this LSN is as durable as the sync mode promises. */
  get durableLsn(): number {
    return this.#commits.durableLsn;
  }

  /** The LSN of the last checkpoint (0 when none). */
  get checkpointLsn(): number {
    return this.#checkpointLsn;
  }

  /** The first LSN replay() can still return (lastLsn + 1 when the log holds no records). */
  get firstLsn(): number {
    return this.#segments.firstLsn(this.#commits.durableLsn);
  }

  get closed(): boolean {
    return !this.#lifecycle.isOpen;
  }

  /** True after a write or sync failed; reopen the log to continue. */
  get poisoned(): boolean {
    return this.#commits.poison !== undefined;
  }

  /**
   * Appends one record. Resolves with its LSN once it is as durable as `options.sync`
   * promises; rejects WAL_POISONED if the log failed before that.
   */
  append(payload: Uint8Array, options?: AppendOptions): Promise<AppendResult> {
    let id: Uint8Array | undefined;
    let payloadLength: number;
    try {
      payloadLength = this.#checkPayload(payload);
      if (options !== undefined) {
        if (options === null || typeof options !== 'object') {
          throw new TidekvError('INVALID_OPTION', `append options must be an object, got ${describeValue(options)}`);
        }
        if (options.id !== undefined) id = idBytes(options.id);
      }
      this.#checkSize(payloadLength, id);
    } catch (error) {
      return Promise.reject(error);
    }

    let key: string | undefined;
    if (id && this.#dedup.size > 0) {
      key = dedupKey(id);
      const original = this.#dedup.get(key);
      if (original !== undefined) return this.#duplicate(original);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      const group = this.#frame(payload, payloadLength, id);
      const lsn = this.#lastLsn;
      group.waiters.push({ result: { lsn, duplicate: false }, resolve, reject });
      if (key !== undefined) this.#dedup.add(key, lsn);
      this.#commits.added(group);
    });
  }

  /**
   * @internal For a caller that waits per commit group rather than per record (the MVCC
   * store, which applies a whole group's commits together): appends `payload` as append()
   * does without an id, returns its LSN at once and throws (instead of rejecting) when the
   * record is refused. `groupSettled()` right after gives the promise of the record's group.
   * `payload` is a plain Uint8Array the caller made itself, so it is not checked for being a
   * detached or look-alike array as append() checks what it is given.
   */
  appendInGroup(payload: Uint8Array): number {
    this.#lifecycle.assertOpen();
    const poison = this.#commits.poison;
    if (poison) throw poison;
    const payloadLength = payload.length;
    this.#checkSize(payloadLength, undefined);
    const group = this.#frame(payload, payloadLength, undefined);
    this.#latestGroup = group;
    this.#commits.added(group);
    return this.#lastLsn;
  }

  /**
   * @internal The promise of the commit group of the record appendInGroup() appended last:
   * shared by every record of that group (so a caller can wait once per group), resolved once
   * they are all durable, rejected (WAL_POISONED) if the log fails first.
   */
  groupSettled(): Promise<void> {
    const group = this.#latestGroup;
    if (!group || group.lastLsn <= this.#commits.durableLsn) return Promise.resolve();
    return group.settled();
  }

  /** The length of `payload`, once the log is known to take appends; throws what append() rejects with. */
  #checkPayload(payload: Uint8Array): number {
    this.#lifecycle.assertOpen();
    const poison = this.#commits.poison;
    if (poison) throw poison;
    // The real byte length (internal slots, not `instanceof` or `.length`): a detached
    // buffer, a Proxy or a look-alike would otherwise fail only while being encoded,
    // after its LSN was assigned, leaving a gap in the log.
    const payloadLength = realByteLength(payload);
    if (payloadLength < 0) {
      throw new TidekvError('INVALID_VALUE', `WAL payload must be a real, attached Uint8Array, got ${describeValue(payload)}`);
    }
    return payloadLength;
  }

  #checkSize(payloadLength: number, id: Uint8Array | undefined): void {
    const bodyLength = payloadLength + (id?.length ?? 0);
    if (bodyLength > this.options.maxRecordBytes) {
      throw new TidekvError('RECORD_TOO_LARGE', `WAL record is ${bodyLength} bytes; maxRecordBytes is ${this.options.maxRecordBytes}`, {
        details: { size: bodyLength, max: this.options.maxRecordBytes },
      });
    }
  }

  /** Assigns the next LSN and encodes the record's frame into its commit group (the caller then calls added()). */
  #frame(payload: Uint8Array, payloadLength: number, id: Uint8Array | undefined): CommitGroup {
    const lsn = ++this.#lastLsn;
    const frame = frameLength(payloadLength + (id?.length ?? 0));
    const group = this.#commits.groupFor(lsn, frame);
    const segment = group.segment!;
    const buffer = group.reserve(frame);
    encodeFrame(buffer, group.used, segment.salt, lsn, group.records, id, payload);
    group.used += frame;
    group.records++;
    group.lastLsn = lsn;
    segment.plannedSize += frame;
    segment.plannedLastLsn = lsn;
    return group;
  }

  /** A duplicate resolves once the original is durable: immediately, or with the next group. */
  #duplicate(lsn: number): Promise<AppendResult> {
    if (lsn <= this.#commits.durableLsn) return Promise.resolve({ lsn, duplicate: true });
    return new Promise((resolve, reject) => this.#commits.waitForNextGroup({ result: { lsn, duplicate: true }, resolve, reject }));
  }

  /**
   * Records that everything up to `lsn` is applied elsewhere (crash-safely: temp file, fsync,
   * rename, directory fsync), then deletes the segments whose records are all <= lsn. A
   * checkpoint never moves backwards: a lower lsn is a no-op.
   */
  checkpoint(lsn: number): Promise<void> {
    if (!this.#lifecycle.isOpen) return Promise.reject(this.#lifecycle.closedError());
    const poison = this.#commits.poison;
    if (poison) return Promise.reject(poison);
    if (typeof lsn !== 'number' || !Number.isSafeInteger(lsn) || lsn < 0) {
      return Promise.reject(new TidekvError('INVALID_ARGUMENT', `checkpoint LSN must be a non-negative integer, got ${describeValue(lsn)}`));
    }
    if (lsn > this.#commits.durableLsn) {
      return Promise.reject(
        new TidekvError('INVALID_ARGUMENT', `checkpoint LSN ${lsn} is past the last durable record (${this.#commits.durableLsn})`, {
          details: { lsn, durableLsn: this.#commits.durableLsn },
        }),
      );
    }
    const run = this.#checkpointChain.then(() => this.#checkpoint(lsn));
    this.#checkpointChain = run.catch(() => undefined);
    return run;
  }

  async #checkpoint(lsn: number): Promise<void> {
    if (lsn <= this.#checkpointLsn) return;
    const ids: Array<[string, number]> = [];
    for (const [key, idLsn] of this.#dedup.entries()) if (idLsn <= lsn) ids.push([key, idLsn]);
    try {
      await writeCheckpoint(this.#fs, this.dir, { lsn, ids }, this.options.sync !== 'none');
      this.#checkpointLsn = lsn;
      // A running replay may still need old segments; a later checkpoint or the next open deletes them.
      if (this.#activeReplays > 0) return;
      await this.#segments.deleteThrough(lsn);
    } catch (error) {
      throw walIoError(this.dir, 'checkpoint', error);
    }
  }

  /**
   * The durable records with LSN >= `from` (default: after the checkpoint), oldest first.
   * Records appended after replay starts are not included.
   */
  replay(options: ReplayOptions = {}): WalReplay {
    this.#lifecycle.assertOpen();
    if (options === null || typeof options !== 'object') {
      throw new TidekvError('INVALID_OPTION', `replay options must be an object, got ${describeValue(options)}`);
    }
    const from = options.from ?? this.#checkpointLsn + 1;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0) {
      throw new TidekvError('INVALID_ARGUMENT', `replay from must be a non-negative integer, got ${describeValue(from)}`);
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TidekvError('INVALID_OPTION', 'replay signal must be an AbortSignal');
    }
    const segments = this.#segments.forReplay(from);
    this.#activeReplays++;
    const replay = new WalReplay(this.#fs, segments, from, () => this.#lifecycle.assertOpen(), options.signal, () => {
      this.#activeReplays--;
      this.#lifecycle.untrack(replay);
    });
    this.#lifecycle.track(replay);
    return replay;
  }

  /**
   * Waits for appends already made to finish, then closes the files and releases the lock.
   * Idempotent; later calls fail NOT_OPEN.
   */
  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      if (this.#commits.abandoned) return;
      await this.#commits.drain();
      await this.#checkpointChain;
      await this.#segments.close();
      await this.#lock.release();
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Stops as a crash would: no more I/O, lock left behind, nothing flushed. */
  [ABANDON](): void {
    this.#commits.abandon();
    this.#lock.abandon();
    void this.#lifecycle.close(() => undefined);
  }
}
