/**
 * The log's segment files as the writer sees them: planning which segment the next frame
 * goes into (rotation), creating a planned segment on disk, and deleting the segments a
 * checkpoint covers. The format is in FORMAT.md.
 *
 * Rotation happens when a frame would take a segment past `segmentBytes`, when the next LSN
 * would pass the LSNs the LIMIT file reserved for the segment, or when the LSN jumps (after
 * a loss recorded in LIMIT). A new segment's header is made durable and its name is synced
 * into the directory before LIMIT names it, and LIMIT names it before any record goes in.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { type FileSystem, syncDirectory, writeFully } from '../fs/file-system.js';
import { SEGMENT_HEADER_BYTES, encodeSegmentHeader, segmentName } from './format.js';
import { type LimitState, type LsnRange, maxRecordsPerSegment, writeLimit } from './limit-file.js';
import type { ResolvedWalOptions } from './options.js';
import { MAX_PREALLOCATE_BYTES, SegmentPreparer } from './preallocate.js';
import type { ReplaySegment } from './replay.js';

export const SEGMENT_TEMP_SUFFIX = '.tmp';

/** A segment file as recovery found it. */
export interface SegmentState {
  name: string;
  path: string;
  sequence: number;
  firstLsn: number;
  /** firstLsn - 1 while the segment holds no records. */
  lastLsn: number;
  salt: number;
  /** End of the last valid record: the offset the next frame is written at. */
  size: number;
  /** Byte ranges replay steps over (damage kept in place by salvage). */
  skips: Array<{ start: number; end: number }>;
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

/** The LSN of the first record replay can return (lastLsn + 1 when there is none). */
export function firstReadableLsn(segments: readonly SegmentState[], lastLsn: number): number {
  for (const segment of segments) {
    if (segment.lastLsn >= segment.firstLsn) return segment.firstLsn;
  }
  return lastLsn + 1;
}

export class Segments {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #options: Readonly<ResolvedWalOptions>;
  readonly #list: WriterSegment[];
  /** The segment frames are currently queued for (the last one, maybe not created yet). */
  #planned: WriterSegment | undefined;
  /** The open descriptor of the newest created segment. */
  #tailFd: number | undefined;
  /** LSN ranges lost with a newest segment, kept in the LIMIT file so reopening accepts the gap. */
  #skipped: LsnRange[];
  readonly #preparer: SegmentPreparer | undefined;

  constructor(
    fileSystem: FileSystem,
    dir: string,
    options: Readonly<ResolvedWalOptions>,
    recovered: readonly SegmentState[],
    tailFd: number | undefined,
    limit: LimitState | undefined,
  ) {
    this.#fs = fileSystem;
    this.#dir = dir;
    this.#options = options;
    // A segment the LIMIT file does not reserve LSNs for takes no more records: the next append rotates.
    const lsnLimit = (s: SegmentState) => (limit !== undefined && limit.sequence === s.sequence ? limit.reservedLsn : s.lastLsn);
    this.#list = recovered.map((s) => ({ ...s, created: true, plannedSize: s.size, plannedLastLsn: s.lastLsn, lsnLimit: lsnLimit(s) }));
    this.#planned = this.#list.at(-1);
    this.#tailFd = tailFd;
    this.#skipped = limit?.skipped ?? [];
    const { preallocate, segmentBytes, sync } = options;
    if (preallocate && segmentBytes <= MAX_PREALLOCATE_BYTES) {
      this.#preparer = new SegmentPreparer(fileSystem, dir, segmentBytes, sync !== 'none');
    }
  }

  /** The open descriptor of the newest created segment. */
  get tailFd(): number | undefined {
    return this.#tailFd;
  }

  /** The segment a frame of `frame` bytes with `lsn` goes into, planning the next one when this one cannot take it. */
  planFor(lsn: number, frame: number): WriterSegment {
    const segment = this.#planned;
    const full = segment !== undefined && segment.plannedSize > SEGMENT_HEADER_BYTES && segment.plannedSize + frame > this.#options.segmentBytes;
    if (segment && !full && segment.plannedLastLsn + 1 === lsn && lsn <= segment.lsnLimit) return segment;
    const sequence = segment ? segment.sequence + 1 : 1;
    const name = segmentName(sequence, lsn);
    const next: WriterSegment = {
      name,
      path: path.join(this.#dir, name),
      sequence,
      firstLsn: lsn,
      lastLsn: lsn - 1,
      salt: randomInt(0, 0x1_0000_0000 - 1),
      size: SEGMENT_HEADER_BYTES,
      skips: [],
      created: false,
      plannedSize: SEGMENT_HEADER_BYTES,
      plannedLastLsn: lsn - 1,
      lsnLimit: lsn + maxRecordsPerSegment(this.#options.segmentBytes) - 1,
    };
    this.#list.push(next);
    this.#planned = next;
    return next;
  }

  /** Rotation: the new file gets its header synced and its name made durable, then LIMIT names it, before any record. */
  async create(segment: WriterSegment, checkpointLsn: number): Promise<void> {
    const durable = this.#options.sync !== 'none';
    const preparedFd = this.#preparer?.take();
    const temp = preparedFd !== undefined ? this.#preparer!.path : segment.path + SEGMENT_TEMP_SUFFIX;
    const fd = preparedFd ?? (await this.#fs.open(temp, 'w'));
    try {
      const header = encodeSegmentHeader(segment);
      await writeFully(this.#fs, fd, header, 0, header.length, 0);
      if (durable) await this.#fs.datasync(fd);
      await this.#fs.rename(temp, segment.path);
      if (durable) await syncDirectory(this.#fs, this.#dir);
      this.#skipped = this.#skipped.filter((r) => r.to > checkpointLsn);
      const limit = { sequence: segment.sequence, firstLsn: segment.firstLsn, reservedLsn: segment.lsnLimit, skipped: this.#skipped };
      await writeLimit(this.#fs, this.#dir, limit, durable);
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

  /** After a group is durable in `segment`: once it is half full, get the next one ready in the background. */
  written(segment: WriterSegment, size: number, lastLsn: number, mayPrepare: boolean): void {
    segment.size = size;
    segment.lastLsn = lastLsn;
    if (mayPrepare && size * 2 > this.#options.segmentBytes) this.#preparer?.start();
  }

  /** Deletes the oldest segments whose records are all <= lsn (never the newest). */
  async deleteThrough(lsn: number): Promise<void> {
    let removed = false;
    while (this.#list.length > 1) {
      const oldest = this.#list[0]!;
      const next = this.#list[1]!;
      if (!oldest.created || !next.created || oldest.lastLsn > lsn) break;
      await this.#fs.unlink(oldest.path);
      this.#list.shift();
      removed = true;
    }
    if (removed && this.#options.sync !== 'none') await syncDirectory(this.#fs, this.#dir);
  }

  /** What replay reads: the created segments holding records >= from, up to their durable end. */
  forReplay(from: number): ReplaySegment[] {
    return this.#list
      .filter((s) => s.created && s.lastLsn >= s.firstLsn && s.lastLsn >= from)
      .map((s) => ({ name: s.name, path: s.path, salt: s.salt, firstLsn: s.firstLsn, size: s.size, skips: [...s.skips] }));
  }

  firstLsn(durableLsn: number): number {
    return firstReadableLsn(
      this.#list.filter((s) => s.created),
      durableLsn,
    );
  }

  /** Closes the files (the preparer's and the tail's); the segments stay on disk. */
  async close(): Promise<void> {
    await this.#preparer?.discard();
    const fd = this.#tailFd;
    this.#tailFd = undefined;
    if (fd !== undefined) await this.#fs.close(fd).catch(() => undefined);
  }
}
