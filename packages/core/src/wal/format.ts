/**
 * Encoding and decoding of the log's on-disk format: segment names, the segment header and
 * the record frame. The layout and the reasons for it are in FORMAT.md, beside this file.
 */
import { crc32 } from 'node:zlib';
import { crc32Range } from './crc.js';

/** The lock file (see fs/lock.ts); its temporary siblings are named `LOCK.<pid>.<random>`. */
export const LOCK_FILE = 'LOCK';
export const SEGMENT_MAGIC = Buffer.from('TIDEKVWL', 'latin1');
export const FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 40;
export const FRAME_HEADER_BYTES = 24;
/** The largest body (id + payload) the format allows; also bounds any allocation a reader makes. */
export const MAX_BODY_BYTES = 1 << 30;
/** Caller ids are short opaque tokens. */
export const MAX_ID_BYTES = 1024;

const TWO_32 = 0x1_0000_0000;
/** The high word of a u64 beyond which a JS number stops being exact. */
const MAX_SAFE_HIGH = 0x1f_ffff;

export const SEGMENT_NAME_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function segmentName(sequence: number, firstLsn: number): string {
  return `${sequence.toString(16).padStart(16, '0')}-${firstLsn.toString(16).padStart(16, '0')}.wal`;
}

export function parseSegmentName(name: string): { sequence: number; firstLsn: number } | undefined {
  const match = SEGMENT_NAME_PATTERN.exec(name);
  if (!match) return undefined;
  const sequence = Number.parseInt(match[1]!, 16);
  const firstLsn = Number.parseInt(match[2]!, 16);
  if (!Number.isSafeInteger(sequence) || !Number.isSafeInteger(firstLsn)) return undefined;
  return { sequence, firstLsn };
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

export function frameLength(bodyLength: number): number {
  return align8(FRAME_HEADER_BYTES + bodyLength);
}

/** Writes a safe non-negative integer as a little-endian u64 at `at` (argument order as codec/u64.ts). */
export function writeU64LE(buf: Buffer, at: number, value: number): void {
  buf.writeUInt32LE(value % TWO_32, at);
  buf.writeUInt32LE(Math.floor(value / TWO_32), at + 4);
}

/** A little-endian u64 as a number, or -1 when it does not fit in a safe integer. */
export function readU64LE(buf: Buffer, offset: number): number {
  const high = buf.readUInt32LE(offset + 4);
  if (high > MAX_SAFE_HIGH) return -1;
  return high * TWO_32 + buf.readUInt32LE(offset);
}

export interface SegmentHeader {
  salt: number;
  firstLsn: number;
  sequence: number;
}

export function encodeSegmentHeader(header: SegmentHeader): Buffer {
  const buf = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  buf.writeUInt32LE(header.salt >>> 0, 12);
  writeU64LE(buf, 16, header.firstLsn);
  writeU64LE(buf, 24, header.sequence);
  buf.writeUInt32LE(crc32(buf.subarray(0, 36)), 36);
  return buf;
}

export type HeaderProblem = 'short' | 'magic' | 'version' | 'checksum';

export function decodeSegmentHeader(buf: Buffer): SegmentHeader | HeaderProblem {
  if (buf.length < SEGMENT_HEADER_BYTES) return 'short';
  if (!buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return 'magic';
  if (crc32(buf.subarray(0, 36)) !== buf.readUInt32LE(36)) return 'checksum';
  if (buf.readUInt32LE(8) !== FORMAT_VERSION) return 'version';
  const firstLsn = readU64LE(buf, 16);
  const sequence = readU64LE(buf, 24);
  if (firstLsn < 1 || sequence < 0) return 'checksum';
  return { salt: buf.readUInt32LE(12), firstLsn, sequence };
}

/** Seed for a frame's checksum: the salt mixed with the length, so a damaged length changes it. */
function frameSeed(salt: number, bodyLength: number): number {
  return (salt ^ bodyLength) >>> 0;
}

/**
 * Writes one frame into `buf` at `offset` (which has room for frameLength(body)).
 * The id and payload are copied, so the caller may reuse its buffers afterwards.
 */
export function encodeFrame(
  buf: Buffer,
  offset: number,
  salt: number,
  lsn: number,
  groupIndex: number,
  id: Uint8Array | undefined,
  payload: Uint8Array,
): number {
  const idLength = id ? id.length : 0;
  const bodyLength = idLength + payload.length;
  const end = offset + FRAME_HEADER_BYTES + bodyLength;
  const total = frameLength(bodyLength);
  buf.writeUInt32LE(bodyLength, offset);
  writeU64LE(buf, offset + 8, lsn);
  buf.writeUInt32LE(groupIndex, offset + 16);
  buf.writeUInt32LE(idLength, offset + 20);
  if (id) buf.set(id, offset + FRAME_HEADER_BYTES);
  buf.set(payload, offset + FRAME_HEADER_BYTES + idLength);
  // Padding is part of the file: never leave uninitialised memory in it.
  if (end < offset + total) buf.fill(0, end, offset + total);
  buf.writeUInt32LE(crc32Range(buf, offset + 8, end, frameSeed(salt, bodyLength)), offset + 4);
  return total;
}

export type DamageReason =
  | 'truncated' // the frame runs past the end of the file
  | 'zeroed' // an all-zero frame header: a hole left by a torn or lost write
  | 'length' // a length no writer could have produced
  | 'checksum' // the frame does not validate with this segment's salt
  | 'lsn' // a valid frame with the wrong LSN: stale bytes or a reordered file
  | 'header' // the segment header is damaged
  | 'gap' // LSNs are missing between segments (a missing or misnamed segment)
  | 'missing'; // the newest segment, which the LIMIT file records, is gone or holds nothing

export interface FrameInfo {
  lsn: number;
  groupIndex: number;
  idLength: number;
  bodyLength: number;
  frameLength: number;
}

/**
 * Reads the 24-byte frame header in `head` and says how many bytes the whole frame needs,
 * or why it cannot be a frame. `available` is the number of file bytes from the frame start.
 */
export function inspectFrameHeader(head: Buffer, available: number): { bodyLength: number } | DamageReason {
  const bodyLength = head.readUInt32LE(0);
  if (bodyLength > MAX_BODY_BYTES) return isZero(head) ? 'zeroed' : 'length';
  if (FRAME_HEADER_BYTES + bodyLength > available) return isZero(head) ? 'zeroed' : 'truncated';
  return { bodyLength };
}

/** Validates a complete frame (`frame` starts at the frame and holds at least its body). */
export function verifyFrame(frame: Buffer, salt: number, bodyLength: number): FrameInfo | DamageReason {
  const end = FRAME_HEADER_BYTES + bodyLength;
  const expected = frame.readUInt32LE(4);
  if (crc32Range(frame, 8, end, frameSeed(salt, bodyLength)) !== expected) {
    return isZero(frame.subarray(0, FRAME_HEADER_BYTES)) ? 'zeroed' : 'checksum';
  }
  const lsn = readU64LE(frame, 8);
  const idLength = frame.readUInt32LE(20);
  if (lsn < 1 || idLength > bodyLength) return 'length';
  return { lsn, groupIndex: frame.readUInt32LE(16), idLength, bodyLength, frameLength: frameLength(bodyLength) };
}

export function isZero(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}
