/**
 * The write-ahead log: append records durably with group commit, replay them after a
 * restart, checkpoint to drop what has been applied elsewhere.
 *
 * Writing: append() assigns the next LSN and encodes the frame into the open commit group
 * at once. One flush runs at a time; appends that arrive while it runs form the next group,
 * which is written with one positional write and synced with one fdatasync as soon as the
 * flush before it finishes (no linger). A write or sync failure poisons the log: every
 * pending and later append fails WAL_POISONED, because after a failed fsync the kernel may
 * have dropped the dirty pages and retrying could acknowledge lost data.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { TidekvError } from '../errors.js';
import { describeValue } from '../errors.js';
import { Lifecycle } from '../engine/lifecycle.js';
import { realByteLength } from '../engine/byte-input.js';
import { writeCheckpoint } from './checkpoint-file.js';
import { type AppendResult, CommitGroup, type Waiter, type WriterSegment } from './commit-group.js';
import { DedupWindow, dedupKey, idBytes } from './dedup.js';
import { LOCK_FILE, SEGMENT_HEADER_BYTES, encodeFrame, encodeSegmentHeader, frameLength, segmentName } from './format.js';
import { type FileSystem, nodeFileSystem, syncDirectory, writeFully } from '../fs/file-system.js';
import { DirectoryLock } from '../fs/lock.js';
import { ioError } from '../fs/io-error.js';
import { type LimitState, type LsnRange, maxRecordsPerSegment, writeLimit } from './limit-file.js';
import { type ResolvedWalOptions, type WalOptions, resolveWalOptions } from './options.js';
import { MAX_PREALLOCATE_BYTES, SegmentPreparer } from './preallocate.js';
import { type SegmentState, SEGMENT_TEMP_SUFFIX, assertWalDirectory, firstReadableLsn, recover } from './recovery.js';
import type { WalRecoveryReport } from './report.js';
import { type ReplayOptions, WalReplay } from './replay.js';

export interface AppendOptions {
  /**
   * Idempotency id (string, taken as UTF-8, or bytes; 1 to 1024 bytes). With dedupWindow > 0,
   * appending an id the window still holds writes nothing and resolves with the original LSN
   * and `duplicate: true`.
   */
  id?: string | Uint8Array;
}


/** IO_ERROR for a failed file-system call on the log in `dir`. */
function walIoError(dir: string, what: string, error: unknown): TidekvError {
  return ioError(`WAL ${what} in`, error, dir, { dir });
}

/** Everything a Wal is built from, once its directory is locked and recovered. */
interface WalParts {
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

/** The private constructor, reachable from openWal only (assigned in the class's static block). */
let construct: (parts: WalParts) => Wal;
let abandon: (wal: Wal) => void;

/** @internal Simulates a crash of `wal` for tests: it stops without flushing or unlocking. */
export function abandonWal(wal: Wal): void {
  abandon(wal);
}

export class Wal implements AsyncDisposable {
  readonly dir: string;
  readonly options: Readonly<ResolvedWalOptions>;
  /** What opening the log found: damage, truncation, dropped or skipped records. */
  readonly recovery: WalRecoveryReport;

  readonly #fs: FileSystem;
  readonly #lock: DirectoryLock;
  readonly #lifecycle = new Lifecycle('WAL');
  readonly #dedup: DedupWindow;
  readonly #segments: WriterSegment[];
  /** Segment frames are currently queued for (the last one, maybe not created yet). */
  #planned: WriterSegment | undefined;
  /** The open descriptor of the newest created segment. */
  #tailFd: number | undefined;
  #lastLsn: number;
  #durableLsn: number;
  #checkpointLsn: number;
  /** LSN ranges lost with a newest segment, kept in the LIMIT file so reopening accepts the gap. */
  #skipped: LsnRange[];
  #open: CommitGroup | undefined;
  readonly #sealed: CommitGroup[] = [];
  #flushing: Promise<void> | undefined;
  #kickScheduled = false;
  #delayTimer: NodeJS.Timeout | undefined;
  #poison: TidekvError | undefined;
  #abandoned = false;
  #checkpointChain: Promise<void> = Promise.resolve();
  #activeReplays = 0;
  readonly #preparer: SegmentPreparer | undefined;

  private constructor(parts: WalParts) {
    this.dir = parts.dir;
    this.options = Object.freeze({ ...parts.options });
    this.#fs = parts.fileSystem;
    this.#lock = parts.lock;
    this.#dedup = parts.dedup;
    const { limit } = parts;
    // A segment the LIMIT file does not reserve LSNs for takes no more records: the next append rotates.
    const lsnLimit = (s: SegmentState) => (limit !== undefined && limit.sequence === s.sequence ? limit.reservedLsn : s.lastLsn);
    this.#segments = parts.segments.map((s) => ({ ...s, created: true, plannedSize: s.size, plannedLastLsn: s.lastLsn, lsnLimit: lsnLimit(s) }));
    this.#skipped = limit?.skipped ?? [];
    this.#planned = this.#segments.at(-1);
    this.#tailFd = parts.tailFd;
    this.#lastLsn = parts.lastLsn;
    this.#durableLsn = parts.lastLsn;
    this.#checkpointLsn = parts.checkpointLsn;
    this.recovery = parts.recovery;
    const { preallocate, segmentBytes, sync } = this.options;
    if (preallocate && segmentBytes <= MAX_PREALLOCATE_BYTES) {
      this.#preparer = new SegmentPreparer(this.#fs, this.dir, segmentBytes, sync !== 'none');
    }
  }

  static {
    construct = (parts) => new Wal(parts);
    // Stops an instance as a crash would: no more I/O, lock left behind, nothing flushed.
    abandon = (wal) => {
      wal.#abandoned = true;
      if (wal.#delayTimer) clearTimeout(wal.#delayTimer);
      wal.#lock.abandon();
      void wal.#lifecycle.close(() => undefined);
    };
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
    return this.#durableLsn;
  }

  /** The LSN of the last checkpoint (0 when none). */
  get checkpointLsn(): number {
    return this.#checkpointLsn;
  }

  /** The first LSN replay() can still return (lastLsn + 1 when the log holds no records). */
  get firstLsn(): number {
    return firstReadableLsn(this.#segments.filter((s) => s.created), this.#durableLsn);
  }

  get closed(): boolean {
    return !this.#lifecycle.isOpen;
  }

  /** True after a write or sync failed; reopen the log to continue. */
  get poisoned(): boolean {
    return this.#poison !== undefined;
  }

  /**
   * Appends one record. Resolves with its LSN once it is as durable as `options.sync`
   * promises; rejects WAL_POISONED if the log failed before that.
   */
  append(payload: Uint8Array, options?: AppendOptions): Promise<AppendResult> {
    if (!this.#lifecycle.isOpen) return Promise.reject(this.#lifecycle.closedError());
    if (this.#poison) return Promise.reject(this.#poison);
    let id: Uint8Array | undefined;
    let payloadLength: number;
    try {
      // The real byte length (internal slots, not `instanceof` or `.length`): a detached
      // buffer, a Proxy or a look-alike would otherwise fail only while being encoded,
      // after its LSN was assigned, leaving a gap in the log.
      payloadLength = realByteLength(payload);
      if (payloadLength < 0) {
        throw new TidekvError('INVALID_VALUE', `WAL payload must be a real, attached Uint8Array, got ${describeValue(payload)}`);
      }
      if (options !== undefined) {
        if (options === null || typeof options !== 'object') {
          throw new TidekvError('INVALID_OPTION', `append options must be an object, got ${describeValue(options)}`);
        }
        if (options.id !== undefined) id = idBytes(options.id);
      }
      const bodyLength = payloadLength + (id?.length ?? 0);
      if (bodyLength > this.options.maxRecordBytes) {
        throw new TidekvError('RECORD_TOO_LARGE', `WAL record is ${bodyLength} bytes; maxRecordBytes is ${this.options.maxRecordBytes}`, {
          details: { size: bodyLength, max: this.options.maxRecordBytes },
        });
      }
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
      const lsn = ++this.#lastLsn;
      const frame = frameLength(payloadLength + (id?.length ?? 0));
      const group = this.#groupFor(lsn, frame);
      const segment = group.segment!;
      const buffer = group.reserve(frame);
      encodeFrame(buffer, group.used, segment.salt, lsn, group.records, id, payload);
      group.used += frame;
      group.records++;
      group.lastLsn = lsn;
      segment.plannedSize += frame;
      segment.plannedLastLsn = lsn;
      group.waiters.push({ result: { lsn, duplicate: false }, resolve, reject });
      if (key !== undefined) this.#dedup.add(key, lsn);
      if (group.records >= this.#maxBatch) this.#seal();
      this.#schedule();
    });
  }

  get #maxBatch(): number {
    return this.options.sync === 'always' ? 1 : this.options.maxBatch;
  }

  /** A duplicate resolves once the original is durable: immediately, or with the next group. */
  #duplicate(lsn: number): Promise<AppendResult> {
    if (lsn <= this.#durableLsn) return Promise.resolve({ lsn, duplicate: true });
    return new Promise((resolve, reject) => {
      const group = (this.#open ??= new CommitGroup());
      group.waiters.push({ result: { lsn, duplicate: true }, resolve, reject });
      this.#schedule();
    });
  }

  /** The open group a frame of `frame` bytes with `lsn` goes into, rotating segments as needed. */
  #groupFor(lsn: number, frame: number): CommitGroup {
    let segment = this.#planned;
    const full = segment !== undefined && segment.plannedSize > SEGMENT_HEADER_BYTES && segment.plannedSize + frame > this.options.segmentBytes;
    if (!segment || full || segment.plannedLastLsn + 1 !== lsn || lsn > segment.lsnLimit) {
      const sequence = segment ? segment.sequence + 1 : 1;
      const name = segmentName(sequence, lsn);
      segment = {
        name,
        path: path.join(this.dir, name),
        sequence,
        firstLsn: lsn,
        lastLsn: lsn - 1,
        salt: randomInt(0, 0x1_0000_0000 - 1),
        size: SEGMENT_HEADER_BYTES,
        skips: [],
        created: false,
        plannedSize: SEGMENT_HEADER_BYTES,
        plannedLastLsn: lsn - 1,
        lsnLimit: lsn + maxRecordsPerSegment(this.options.segmentBytes) - 1,
      };
      this.#segments.push(segment);
      this.#planned = segment;
    }
    let group = this.#open;
    if (group?.segment && (group.segment !== segment || group.used + frame > this.options.maxBatchBytes)) {
      this.#seal();
      group = undefined;
    }
    group ??= this.#open ??= new CommitGroup();
    if (!group.segment) {
      group.segment = segment;
      group.position = segment.plannedSize;
    }
    return group;
  }

  #seal(): void {
    if (!this.#open) return;
    this.#sealed.push(this.#open);
    this.#open = undefined;
    if (this.#delayTimer) {
      clearTimeout(this.#delayTimer);
      this.#delayTimer = undefined;
    }
  }

  /**
   * Starts a flush unless one is running (it picks the new work up when it finishes).
   * The start waits for setImmediate so appends made in the same tick join one group.
   */
  #schedule(): void {
    const lingering = this.options.maxDelayMs > 0 && this.#lifecycle.isOpen && !this.#abandoned;
    if (lingering && this.#open) {
      this.#delayTimer ??= setTimeout(() => {
        this.#delayTimer = undefined;
        this.#seal();
        this.#schedule();
      }, this.options.maxDelayMs);
    }
    if (this.#flushing || this.#kickScheduled || this.#abandoned) return;
    if (this.#sealed.length === 0 && (lingering || !this.#open)) return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      this.#startFlush();
    });
  }

  #startFlush(): Promise<void> {
    if (!this.#flushing) {
      this.#flushing = this.#flushLoop().finally(() => {
        this.#flushing = undefined;
        // Work queued between the loop's last check and now would otherwise wait forever.
        this.#schedule();
      });
    }
    return this.#flushing;
  }

  async #flushLoop(): Promise<void> {
    for (;;) {
      if (this.#abandoned) return;
      let group = this.#sealed.shift();
      if (!group && this.#open && (this.options.maxDelayMs === 0 || !this.#lifecycle.isOpen)) {
        group = this.#open;
        this.#open = undefined;
      }
      if (!group) return;
      if (this.#poison) {
        group.rejectAll(this.#poison);
        continue;
      }
      try {
        await this.#commit(group);
      } catch (error) {
        if (this.#abandoned) return;
        this.#poisonWith(error, group);
      }
    }
  }

  async #commit(group: CommitGroup): Promise<void> {
    const segment = group.segment;
    if (segment && group.records > 0) {
      if (!segment.created) await this.#createSegment(segment);
      await writeFully(this.#fs, this.#tailFd!, group.buffer!, 0, group.used, group.position);
      if (this.options.sync !== 'none') await this.#fs.datasync(this.#tailFd!);
      if (this.#abandoned) return;
      segment.size = group.position + group.used;
      segment.lastLsn = group.lastLsn;
      this.#durableLsn = group.lastLsn;
      // Half full: get the next segment ready (zero-filled) in the background.
      if (segment.size * 2 > this.options.segmentBytes && this.#lifecycle.isOpen && !this.#abandoned) this.#preparer?.start();
    }
    const waiters: Waiter[] = group.waiters;
    for (const waiter of waiters) waiter.resolve(waiter.result);
  }

  /** Rotation: the new file gets its header synced and its name made durable before any record. */
  async #createSegment(segment: WriterSegment): Promise<void> {
    const durable = this.options.sync !== 'none';
    const preparedFd = this.#preparer?.take();
    const temp = preparedFd !== undefined ? this.#preparer!.path : segment.path + SEGMENT_TEMP_SUFFIX;
    const fd = preparedFd ?? (await this.#fs.open(temp, 'w'));
    try {
      const header = encodeSegmentHeader(segment);
      await writeFully(this.#fs, fd, header, 0, header.length, 0);
      if (durable) await this.#fs.datasync(fd);
      await this.#fs.rename(temp, segment.path);
      if (durable) await syncDirectory(this.#fs, this.dir);
      // Only now, with the segment durable and before any record is in it: it must exist.
      this.#skipped = this.#skipped.filter((r) => r.to > this.#checkpointLsn);
      const limit = { sequence: segment.sequence, firstLsn: segment.firstLsn, reservedLsn: segment.lsnLimit, skipped: this.#skipped };
      await writeLimit(this.#fs, this.dir, limit, durable);
    } catch (error) {
      await this.#fs.close(fd).catch(() => undefined);
      throw error;
    }
    const previous = this.#tailFd;
    this.#tailFd = fd;
    segment.created = true;
    // The previous segment's last group was synced before this one was started.
    if (previous !== undefined) await this.#fs.close(previous).catch(() => undefined);
  }

  #poisonWith(cause: unknown, failed: CommitGroup): void {
    const code = (cause as NodeJS.ErrnoException)?.code;
    this.#poison = new TidekvError(
      'WAL_POISONED',
      `the WAL in ${this.dir} failed to write or sync (${(cause as Error)?.message ?? String(cause)}); it accepts no appends until it is reopened`,
      { cause, details: { dir: this.dir, code } },
    );
    failed.rejectAll(this.#poison);
    for (const group of this.#sealed.splice(0)) group.rejectAll(this.#poison);
    this.#open?.rejectAll(this.#poison);
    this.#open = undefined;
  }

  /**
   * Records that everything up to `lsn` is applied elsewhere (crash-safely: temp file, fsync,
   * rename, directory fsync), then deletes the segments whose records are all <= lsn. A
   * checkpoint never moves backwards: a lower lsn is a no-op.
   */
  checkpoint(lsn: number): Promise<void> {
    if (!this.#lifecycle.isOpen) return Promise.reject(this.#lifecycle.closedError());
    if (this.#poison) return Promise.reject(this.#poison);
    if (typeof lsn !== 'number' || !Number.isSafeInteger(lsn) || lsn < 0) {
      return Promise.reject(new TidekvError('INVALID_ARGUMENT', `checkpoint LSN must be a non-negative integer, got ${describeValue(lsn)}`));
    }
    if (lsn > this.#durableLsn) {
      return Promise.reject(
        new TidekvError('INVALID_ARGUMENT', `checkpoint LSN ${lsn} is past the last durable record (${this.#durableLsn})`, {
          details: { lsn, durableLsn: this.#durableLsn },
        }),
      );
    }
    const run = this.#checkpointChain.then(() => this.#checkpoint(lsn));
    this.#checkpointChain = run.catch(() => undefined);
    return run;
  }

  async #checkpoint(lsn: number): Promise<void> {
    if (lsn <= this.#checkpointLsn) return;
    const durable = this.options.sync !== 'none';
    const ids: Array<[string, number]> = [];
    for (const [key, idLsn] of this.#dedup.entries()) if (idLsn <= lsn) ids.push([key, idLsn]);
    try {
      await writeCheckpoint(this.#fs, this.dir, { lsn, ids }, durable);
      this.#checkpointLsn = lsn;
      // A running replay may still need old segments; a later checkpoint or the next open deletes them.
      if (this.#activeReplays > 0) return;
      let removed = false;
      while (this.#segments.length > 1) {
        const oldest = this.#segments[0]!;
        const next = this.#segments[1]!;
        if (!oldest.created || !next.created || oldest.lastLsn > lsn) break;
        await this.#fs.unlink(oldest.path);
        this.#segments.shift();
        removed = true;
      }
      if (removed && durable) await syncDirectory(this.#fs, this.dir);
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
    const segments = this.#segments
      .filter((s) => s.created && s.lastLsn >= s.firstLsn && s.lastLsn >= from)
      .map((s) => ({ name: s.name, path: s.path, salt: s.salt, firstLsn: s.firstLsn, size: s.size, skips: [...s.skips] }));
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
      if (this.#abandoned) return;
      if (this.#delayTimer) clearTimeout(this.#delayTimer);
      this.#delayTimer = undefined;
      while (this.#flushing || this.#sealed.length > 0 || this.#open) await this.#startFlush();
      await this.#checkpointChain;
      await this.#preparer?.discard();
      const fd = this.#tailFd;
      this.#tailFd = undefined;
      if (fd !== undefined) await this.#fs.close(fd).catch(() => undefined);
      await this.#lock.release();
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

}

/** @internal Opens a log whose file-system calls go through `fileSystem` (fault injection in tests). */
export function openWalWith(fileSystem: FileSystem, dir: string, options?: WalOptions): Promise<Wal> {
  return openWal(fileSystem, dir, options);
}

async function openWal(fileSystem: FileSystem, dir: unknown, input: unknown): Promise<Wal> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TidekvError('INVALID_ARGUMENT', `WAL directory must be a non-empty string, got ${describeValue(dir)}`);
  }
  const options = resolveWalOptions(input);
  try {
    const stat = await fileSystem.stat(dir);
    if (!stat.isDirectory()) throw new TidekvError('INVALID_ARGUMENT', `${dir} exists and is not a directory`, { details: { dir } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw walIoError(dir, 'stat', error);
    await fileSystem.mkdir(dir).catch((e: unknown) => {
      throw walIoError(dir, 'mkdir', e);
    });
  }
  // Refuse a foreign directory before leaving a LOCK file in it.
  assertWalDirectory(dir, await fileSystem.readdir(dir).catch((e: unknown) => {
    throw walIoError(dir, 'readdir', e);
  }));
  const lock = await DirectoryLock.acquire(fileSystem, dir, { file: LOCK_FILE, what: 'the WAL' });
  let tailFd: number | undefined;
  try {
    const dedup = new DedupWindow(options.dedupWindow);
    const { segments, checkpoint, limit, lastLsn, report } = await recover(fileSystem, dir, options.recovery, dedup);
    const tail = segments.at(-1);
    if (tail) tailFd = await fileSystem.open(tail.path, 'r+');
    return construct({ dir, options, fileSystem, lock, dedup, segments, tailFd, lastLsn, checkpointLsn: checkpoint.lsn, limit, recovery: report });
  } catch (error) {
    if (tailFd !== undefined) await fileSystem.close(tailFd).catch(() => undefined);
    await lock.release();
    throw walIoError(dir, 'open', error);
  }
}

