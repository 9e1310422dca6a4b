/**
 * Walks the frames of one segment. A damaged frame is reported together with where valid
 * records resume (if they do), found by probing every 8-byte-aligned offset after it; the
 * recovery policy decides what the damage means.
 */
import {
  type DamageReason,
  type FrameInfo,
  FRAME_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  inspectFrameHeader,
  readU64LE,
  verifyFrame,
} from './format.js';
import { type SegmentReader, restIsZero } from './segment-reader.js';

export interface ScannedRecord extends FrameInfo {
  offset: number;
  /** View of the frame bytes (header included); valid until the caller drops it. */
  frame: Buffer;
}

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

type Probe = { kind: 'record'; record: ScannedRecord } | { kind: 'end' } | { kind: 'bad'; reason: DamageReason };

const END: Probe = { kind: 'end' };

/** Judges the frame at `offset` from the bytes already read, or returns undefined if it needs a read. */
function probeWindow(reader: SegmentReader, offset: number, salt: number): Probe | undefined {
  const available = reader.end - offset;
  if (available === 0) return END;
  if (available < FRAME_HEADER_BYTES) return { kind: 'bad', reason: 'truncated' };
  const head = reader.peek(offset, FRAME_HEADER_BYTES);
  if (!head) return undefined;
  const shape = inspectFrameHeader(head, available);
  if (typeof shape === 'string') return { kind: 'bad', reason: shape };
  const frame = reader.peek(offset, FRAME_HEADER_BYTES + shape.bodyLength);
  if (!frame) return undefined;
  const info = verifyFrame(frame, salt, shape.bodyLength);
  if (typeof info === 'string') return { kind: 'bad', reason: info };
  return {
    kind: 'record',
    record: { lsn: info.lsn, groupIndex: info.groupIndex, idLength: info.idLength, bodyLength: info.bodyLength, frameLength: info.frameLength, offset, frame },
  };
}

async function probe(reader: SegmentReader, offset: number, salt: number): Promise<Probe> {
  const quick = probeWindow(reader, offset, salt);
  if (quick) return quick;
  const head = await reader.view(offset, FRAME_HEADER_BYTES);
  // inspectFrameHeader guarantees the body fits in the file before we read it.
  const shape = inspectFrameHeader(head, reader.end - offset);
  if (typeof shape !== 'string') await reader.view(offset, FRAME_HEADER_BYTES + shape.bodyLength);
  return probeWindow(reader, offset, salt)!;
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
      const found = await probe(reader, p + i, salt);
      if (found.kind === 'record' && found.record.lsn >= minLsn) return found.record;
      // probe() may have moved the window: continue from the next offset with a fresh span.
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
    const found = probeWindow(reader, offset, salt) ?? (await probe(reader, offset, salt));
    if (found.kind === 'end') return;
    if (found.kind === 'record' && found.record.lsn === expected) {
      visitor.record(found.record);
      offset += found.record.frameLength;
      expected++;
      continue;
    }
    const reason: DamageReason = found.kind === 'bad' ? found.reason : 'lsn';
    // Zeros from here to the end of the file are preallocated space, not damage (also when
    // fewer than a frame header's worth of them are left).
    if ((reason === 'zeroed' || reason === 'truncated') && (await restIsZero(reader, offset))) return;
    // A valid frame with a later LSN is itself the resume point (records are missing before it).
    const resume =
      found.kind === 'record' && found.record.lsn > expected
        ? found.record
        : await findResume(reader, offset + 8, offset, salt, expected);
    visitor.damage({ offset, end: resume ? resume.offset : reader.end, reason, expectedLsn: expected, resumeLsn: resume?.lsn });
    if (!resume) return;
    offset = resume.offset;
    expected = resume.lsn;
  }
}
