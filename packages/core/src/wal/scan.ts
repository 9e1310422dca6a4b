/**
 * Walks the frames of one segment. A damaged frame is reported together with where valid
 * records resume (if they do), found by probing every 8-byte-aligned offset after it; the
 * recovery policy decides what the damage means.
 */
import { type DamageReason, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, readU64LE } from './format.js';
import { type FrameRecord, frameInWindow, readFrame } from './frame-reader.js';
import { type SegmentReader, restIsZero } from './segment-reader.js';

export type ScannedRecord = FrameRecord;

export interface ScannedDamage {
  offset: number;
  /** Where valid records resume, or the end of the file. */
  end: number;
  reason: DamageReason;
  /** The LSN the damaged frame should have had. */
  expectedLsn: number;
  /** The LSN of the record found at `end`, if any. */
  resumeLsn: number | undefined;
}

export interface ScanVisitor {
  record(record: ScannedRecord): void;
  damage(damage: ScannedDamage): void;
}

/**
 * The first valid frame at an 8-aligned offset >= `from` whose LSN is >= `minLsn`. A record
 * LSN n found at p is plausible only if the n - minLsn records before it fit in
 * [damageAt, p) (each frame is >= 24 bytes): that bound skips almost every offset
 * without computing a checksum.
 */
async function findResume(
  reader: SegmentReader,
  from: number,
  damageAt: number,
  salt: number,
  minLsn: number,
): Promise<ScannedRecord | undefined> {
  let p = from;
  while (p + FRAME_HEADER_BYTES <= reader.end) {
    const span = await reader.span(p, FRAME_HEADER_BYTES);
    const last = span.length - FRAME_HEADER_BYTES;
    let i = 0;
    for (; i <= last; i += 8) {
      const lsn = readU64LE(span, i + 8);
      if (lsn < minLsn || lsn - minLsn > (p + i - damageAt) / FRAME_HEADER_BYTES) continue;
      const found = await readFrame(reader, p + i, salt);
      if (typeof found !== 'string' && found.lsn >= minLsn) return found;
      // readFrame() may have moved the window: continue from the next offset with a fresh span.
      i += 8;
      break;
    }
    p += i;
  }
  return undefined;
}

/** Scans frames from the segment header to `reader.end`, reporting records and damage in file order. */
export async function scanSegment(reader: SegmentReader, salt: number, firstLsn: number, visitor: ScanVisitor): Promise<void> {
  let offset = SEGMENT_HEADER_BYTES;
  let expected = firstLsn;
  for (;;) {
    const found = frameInWindow(reader, offset, salt) ?? (await readFrame(reader, offset, salt));
    if (found === 'end') return;
    if (typeof found !== 'string' && found.lsn === expected) {
      visitor.record(found);
      offset += found.frameLength;
      expected++;
      continue;
    }
    const reason: DamageReason = typeof found === 'string' ? found : 'lsn';
    // Zeros from here to the end of the file are preallocated space, not damage (also when
    // fewer than a frame header's worth of them are left).
    if ((reason === 'zeroed' || reason === 'truncated') && (await restIsZero(reader, offset))) return;
    // A valid frame with a later LSN is itself the resume point (records are missing before it).
    const resume =
      typeof found !== 'string' && found.lsn > expected ? found : await findResume(reader, offset + 8, offset, salt, expected);
    visitor.damage({ offset, end: resume ? resume.offset : reader.end, reason, expectedLsn: expected, resumeLsn: resume?.lsn });
    if (!resume) return;
    offset = resume.offset;
    expected = resume.lsn;
  }
}
