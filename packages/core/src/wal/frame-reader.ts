/**
 * The one frame reader: judging the frame at an offset of a segment, used by recovery's scan
 * (scan.ts) and by replay (replay.ts). It reads through a SegmentReader's window, so most
 * frames are judged without a syscall; the format is in FORMAT.md.
 */
import { type DamageReason, type FrameInfo, FRAME_HEADER_BYTES, MAX_BODY_BYTES, inspectFrameHeader, verifyFrame } from './format.js';
import type { SegmentReader } from './segment-reader.js';

export interface FrameRecord extends FrameInfo {
  offset: number;
  /** View of the frame bytes (header included); valid until the caller drops it. */
  frame: Buffer;
}

/** What is at an offset: a valid frame, damage, or the end (`end` reached exactly). */
export type FrameRead = FrameRecord | DamageReason | 'end';

/**
 * The frame at `offset`, judged from the bytes already read, or undefined when a read is
 * needed. Nothing at or past `end` belongs to the frame (the readable end of the file, or
 * where a range replay steps over starts).
 */
export function frameInWindow(reader: SegmentReader, offset: number, salt: number, end = reader.end): FrameRead | undefined {
  const available = end - offset;
  if (available === 0) return 'end';
  if (available < FRAME_HEADER_BYTES) return 'truncated';
  // Read straight from the window: no view of the header per frame (replay judges millions).
  const window = reader.window;
  const at = offset - reader.windowStart;
  if (at < 0 || at + FRAME_HEADER_BYTES > window.length) return undefined;
  const bodyLength = window.readUInt32LE(at);
  if (bodyLength > MAX_BODY_BYTES || FRAME_HEADER_BYTES + bodyLength > available) {
    return inspectFrameHeader(window.subarray(at, at + FRAME_HEADER_BYTES), available) as DamageReason;
  }
  if (at + FRAME_HEADER_BYTES + bodyLength > window.length) return undefined;
  const frame = window.subarray(at, at + FRAME_HEADER_BYTES + bodyLength);
  const info = verifyFrame(frame, salt, bodyLength);
  if (typeof info === 'string') return info;
  // Completed in place rather than copied: replay judges millions of frames (measured ~15%).
  const record = info as FrameRecord;
  record.offset = offset;
  record.frame = frame;
  return record;
}

/** The frame at `offset`, reading what the window does not hold yet. */
export async function readFrame(reader: SegmentReader, offset: number, salt: number, end = reader.end): Promise<FrameRead> {
  const quick = frameInWindow(reader, offset, salt, end);
  if (quick) return quick;
  const head = await reader.view(offset, FRAME_HEADER_BYTES);
  // inspectFrameHeader guarantees the body fits before `end` before we read it.
  const shape = inspectFrameHeader(head, end - offset);
  if (typeof shape !== 'string') await reader.view(offset, FRAME_HEADER_BYTES + shape.bodyLength);
  return frameInWindow(reader, offset, salt, end)!;
}
