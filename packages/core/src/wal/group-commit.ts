/**
 * Group commit. A commit group is consecutive records written with one positional write and
 * made durable with one fdatasync; frames are encoded into the group's buffer as they are
 * appended (copying the caller's bytes at once), so flushing is a single write call.
 *
 * One flush runs at a time; appends that arrive while it runs form the next group, which is
 * written as soon as the flush before it finishes (no linger, unless maxDelayMs asks for
 * one). A write or sync failure poisons the log: every pending and later append fails
 * WAL_POISONED, because after a failed fsync the kernel may have dropped the dirty pages and
 * retrying could acknowledge lost data.
 */
import { TidekvError } from '../errors.js';
import { writeFully } from '../fs/file-system.js';
import type { FileSystem } from '../fs/file-system.js';
import type { ResolvedWalOptions } from './options.js';
import type { Segments, WriterSegment } from './segments.js';

export interface AppendResult {
  /** The record's log sequence number (the original one for a duplicate). */
  lsn: number;
  /** True when the id was already in the log and nothing new was written. */
  duplicate: boolean;
}

export interface Waiter {
  result: AppendResult;
  resolve(result: AppendResult): void;
  reject(error: TidekvError): void;
}

const INITIAL_CAPACITY = 64 << 10;

export class CommitGroup {
  /** The segment the frames go to; undefined while the group only holds duplicate waiters. */
  segment: WriterSegment | undefined;
  /** File offset of the group's first frame. */
  position = 0;
  buffer: Buffer | undefined;
  used = 0;
  records = 0;
  lastLsn = 0;
  readonly waiters: Waiter[] = [];
  /** One promise for the whole group, made only when asked for (see Wal.appendInGroup). */
  #settled: { promise: Promise<void>; resolve(): void; reject(error: TidekvError): void } | undefined;
  /** Set once the group is durable (true) or failed (the error). */
  #outcome: true | TidekvError | undefined;

  /** Resolves once the group is durable; rejects with the error that fails it. */
  settled(): Promise<void> {
    if (this.#outcome === true) return Promise.resolve();
    if (this.#outcome) return Promise.reject(this.#outcome);
    if (!this.#settled) {
      let resolve!: () => void;
      let reject!: (error: TidekvError) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#settled = { promise, resolve, reject };
    }
    return this.#settled.promise;
  }

  resolveAll(): void {
    this.#outcome = true;
    for (const waiter of this.waiters) waiter.resolve(waiter.result);
    this.#settled?.resolve();
  }

  /** Makes room for `bytes` more, growing the buffer geometrically. */
  reserve(bytes: number): Buffer {
    const need = this.used + bytes;
    if (!this.buffer || this.buffer.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, INITIAL_CAPACITY, (this.buffer?.length ?? 0) * 2));
      if (this.buffer) this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    return this.buffer;
  }

  rejectAll(error: TidekvError): void {
    this.#outcome ??= error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.length = 0;
    this.#settled?.reject(error);
  }
}

/** What the committer needs from the log that owns it. */
export interface CommitHost {
  readonly dir: string;
  /** False once the log is closing or closed: no linger, no preparing of segments. */
  readonly isOpen: boolean;
  readonly checkpointLsn: number;
}

export class GroupCommit {
  readonly #fs: FileSystem;
  readonly #options: Readonly<ResolvedWalOptions>;
  readonly #segments: Segments;
  readonly #host: CommitHost;
  #open: CommitGroup | undefined;
  readonly #sealed: CommitGroup[] = [];
  #flushing: Promise<void> | undefined;
  #kickScheduled = false;
  #delayTimer: NodeJS.Timeout | undefined;
  #poison: TidekvError | undefined;
  #abandoned = false;
  /** Every record up to this LSN is as durable as the sync mode promises. */
  durableLsn: number;

  constructor(fileSystem: FileSystem, options: Readonly<ResolvedWalOptions>, segments: Segments, host: CommitHost, durableLsn: number) {
    this.#fs = fileSystem;
    this.#options = options;
    this.#segments = segments;
    this.#host = host;
    this.durableLsn = durableLsn;
  }

  /** The failure that poisoned the log, if one did. */
  get poison(): TidekvError | undefined {
    return this.#poison;
  }

  get #maxBatch(): number {
    return this.#options.sync === 'always' ? 1 : this.#options.maxBatch;
  }

  /** The open group a frame of `frame` bytes with `lsn` goes into, rotating segments as needed. */
  groupFor(lsn: number, frame: number): CommitGroup {
    const segment = this.#segments.planFor(lsn, frame);
    let group = this.#open;
    if (group?.segment && (group.segment !== segment || group.used + frame > this.#options.maxBatchBytes)) {
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

  /** After a frame went into `group`: seals it once full, and schedules a flush. */
  added(group: CommitGroup): void {
    if (group.records >= this.#maxBatch) this.#seal();
    this.#schedule();
  }

  /** A waiter that resolves once everything appended so far is durable (a duplicate append). */
  waitForNextGroup(waiter: Waiter): void {
    (this.#open ??= new CommitGroup()).waiters.push(waiter);
    this.#schedule();
  }

  /** Writes everything queued, including a lingering open group. */
  async drain(): Promise<void> {
    if (this.#delayTimer) clearTimeout(this.#delayTimer);
    this.#delayTimer = undefined;
    while (this.#flushing || this.#sealed.length > 0 || this.#open) await this.#startFlush();
  }

  /** Stops as a crash would: no more I/O, nothing flushed, nothing resolved. */
  abandon(): void {
    this.#abandoned = true;
    if (this.#delayTimer) clearTimeout(this.#delayTimer);
  }

  get abandoned(): boolean {
    return this.#abandoned;
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
    const lingering = this.#options.maxDelayMs > 0 && this.#host.isOpen && !this.#abandoned;
    if (lingering && this.#open) {
      this.#delayTimer ??= setTimeout(() => {
        this.#delayTimer = undefined;
        this.#seal();
        this.#schedule();
      }, this.#options.maxDelayMs);
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
      if (!group && this.#open && (this.#options.maxDelayMs === 0 || !this.#host.isOpen)) {
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
      if (!segment.created) await this.#segments.create(segment, this.#host.checkpointLsn);
      const fd = this.#segments.tailFd!;
      await writeFully(this.#fs, fd, group.buffer!, 0, group.used, group.position);
      if (this.#options.sync !== 'none') await this.#fs.datasync(fd);
      if (this.#abandoned) return;
      this.#segments.written(segment, group.position + group.used, group.lastLsn, this.#host.isOpen);
      this.durableLsn = group.lastLsn;
    }
    group.resolveAll();
  }

  #poisonWith(cause: unknown, failed: CommitGroup): void {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const dir = this.#host.dir;
    this.#poison = new TidekvError(
      'WAL_POISONED',
      `the WAL in ${dir} failed to write or sync (${(cause as Error)?.message ?? String(cause)}); it accepts no appends until it is reopened`,
      { cause, details: { dir, code } },
    );
    failed.rejectAll(this.#poison);
    for (const group of this.#sealed.splice(0)) group.rejectAll(this.#poison);
    this.#open?.rejectAll(this.#poison);
    this.#open = undefined;
  }
}
