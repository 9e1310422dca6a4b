/**
 * A commit group: consecutive records that are written with one positional write and made
 * durable with one fdatasync. Frames are encoded into the group's buffer as they are
 * appended (copying the caller's bytes at once), so flushing is a single write call.
 */
import type { TidekvError } from '../errors.js';
import type { SegmentState } from './recovery.js';

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

/** A segment as the writer sees it: possibly planned but not yet created on disk. */
export interface WriterSegment extends SegmentState {
  created: boolean;
  /** Size including frames queued in groups that are not yet written. */
  plannedSize: number;
  /** LSN of the last frame queued for this segment. */
  plannedLastLsn: number;
  /** The highest LSN this segment may hold (the LIMIT file's reservation): the writer rotates before it. */
  lsnLimit: number;
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
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.length = 0;
  }
}
