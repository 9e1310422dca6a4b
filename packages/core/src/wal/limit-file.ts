/**
 * The LIMIT file: what must exist, so that losing the newest segment (deleted, or truncated
 * to nothing) is detected instead of reopening as an empty tail that hands its LSNs out
 * again. Nothing inside a lost segment can say it existed, so this file says it, and says
 * how far the LSNs handed out in it can reach:
 *
 * - `sequence`, `firstLsn`: the newest segment records were written to. It is rewritten
 *   (crash-safely) each time a segment is created, after the segment is durable and before
 *   any record goes into it; so a valid segment with this sequence must exist.
 * - `reservedLsn`: the highest LSN that segment may hold. The writer rotates before going
 *   past it, so after a loss the next LSN is `reservedLsn + 1` and no acknowledged LSN is
 *   ever reused.
 * - `skipped`: LSN ranges lost that way and accepted by a point-in-time or salvage
 *   recovery, so later opens accept the gap they leave between segments.
 *
 * Layout: FORMAT.md.
 */
import { crc32 } from 'node:zlib';
import type { FileSystem } from '../fs/file-system.js';
import { replaceFile, tempPathOf } from '../fs/replace-file.js';
import { FORMAT_VERSION, readU64LE, writeU64LE } from './format.js';
import { readStateFile } from './state-file.js';

export const LIMIT_FILE = 'LIMIT';
export const LIMIT_TEMP = tempPathOf(LIMIT_FILE);
const MAGIC = Buffer.from('TIDEKVLM', 'latin1');
const FIXED_BYTES = 40;
/** Far above any real count; bounds what a damaged file can make a reader allocate. */
const MAX_LIMIT_BYTES = 1 << 20;

export interface LsnRange {
  from: number;
  to: number;
}

export interface LimitState {
  /** Sequence of the newest segment written to; 0 when none. */
  sequence: number;
  firstLsn: number;
  reservedLsn: number;
  skipped: LsnRange[];
}

export function encodeLimit(state: LimitState): Buffer {
  const buf = Buffer.alloc(FIXED_BYTES + 16 * state.skipped.length + 4);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  buf.writeUInt32LE(state.skipped.length, 12);
  writeU64LE(buf, 16, state.sequence);
  writeU64LE(buf, 24, state.firstLsn);
  writeU64LE(buf, 32, state.reservedLsn);
  let at = FIXED_BYTES;
  for (const range of state.skipped) {
    writeU64LE(buf, at, range.from);
    writeU64LE(buf, at + 8, range.to);
    at += 16;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, at)), at);
  return buf;
}

export function decodeLimit(buf: Buffer): LimitState | undefined {
  if (buf.length < FIXED_BYTES + 4 || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return undefined;
  if (buf.readUInt32LE(8) !== FORMAT_VERSION) return undefined;
  const count = buf.readUInt32LE(12);
  if (buf.length !== FIXED_BYTES + 16 * count + 4) return undefined;
  const sequence = readU64LE(buf, 16);
  const firstLsn = readU64LE(buf, 24);
  const reservedLsn = readU64LE(buf, 32);
  if (sequence < 0 || firstLsn < 0 || reservedLsn < 0) return undefined;
  const skipped: LsnRange[] = [];
  for (let i = 0, at = FIXED_BYTES; i < count; i++, at += 16) {
    const from = readU64LE(buf, at);
    const to = readU64LE(buf, at + 8);
    if (from < 1 || to < from) return undefined;
    skipped.push({ from, to });
  }
  return { sequence, firstLsn, reservedLsn, skipped };
}

/** The stored limit; undefined when there is none (a new log, or one written before it existed). */
export function readLimit(fileSystem: FileSystem, dir: string): Promise<LimitState | undefined> {
  return readStateFile(fileSystem, dir, LIMIT_FILE, MAX_LIMIT_BYTES, decodeLimit);
}

/** Replaces the limit crash-safely. `durable: false` skips the fsyncs (sync 'none'). */
export function writeLimit(fileSystem: FileSystem, dir: string, state: LimitState, durable: boolean): Promise<void> {
  return replaceFile(fileSystem, dir, LIMIT_FILE, encodeLimit(state), durable);
}

/** True when every LSN in [from, to] lies in one of `ranges`. */
export function coveredBy(ranges: readonly LsnRange[], from: number, to: number): boolean {
  let next = from;
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    if (range.from > next) break;
    if (range.to >= next) next = range.to + 1;
    if (next > to) return true;
  }
  return next > to;
}

/** How many records a segment of `segmentBytes` can hold at most (every frame is at least a header). */
export function maxRecordsPerSegment(segmentBytes: number): number {
  return Math.ceil(segmentBytes / 24) + 1;
}
