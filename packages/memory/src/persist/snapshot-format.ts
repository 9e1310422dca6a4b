/**
 * The snapshot file: every keyspace's entries, in key order, behind a checksummed header.
 *
 *   header (32 bytes, little-endian)
 *     0  magic            8 bytes  "TIDEKVMS"
 *     8  format version   u32      1
 *    12  keyspace count   u32
 *    16  payload length   u64      bytes after the header
 *    24  payload crc32    u32      zlib.crc32 of the whole payload
 *    28  header crc32     u32      zlib.crc32 of bytes 0..27
 *   payload, per keyspace
 *     name length u8, name (ASCII, a valid keyspace name), entry count u32,
 *     then per entry: key length u32, value length u32, key, value   (keys strictly increasing)
 *
 * The entry layout is the one leaves keep in memory, so most entries are written with one
 * copy from a leaf arena.
 *
 * Decoding checks everything before building anything, so a damaged file never loads half.
 */
import { constants as bufferConstants } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { KEYSPACE_NAME_PATTERN, TidekvError } from '@tidekv/core';
import { Cursor } from '../btree/cursor.js';
import { keyLengthAt, outsideValueAt, valueLengthAt } from '../btree/leaf.js';
import type { TreeView } from '../btree/tree.js';
import { MAX_KEY_SIZE, MAX_VALUE_SIZE } from '../capabilities.js';

export const MAGIC = Buffer.from('TIDEKVMS', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_SIZE = 32;

const ENTRY_HEADER = 8;

/** The entries of one keyspace: where each starts in the file's bytes, in key order. */
export interface KeyspaceEntries {
  bytes: Buffer;
  offsets: number[];
}

/** Serialises frozen keyspace states into one buffer: the complete file. Empty keyspaces are left out. */
export function encodeSnapshot(views: ReadonlyMap<string, TreeView>): Buffer {
  const present = [...views].filter(([, view]) => view.size > 0);
  let total = HEADER_SIZE;
  for (const [name, view] of present) {
    total += 1 + name.length + 4 + ENTRY_HEADER * view.size;
    new Cursor(view, undefined, undefined, false).each(Infinity, (leaf, i) => {
      total += keyLengthAt(leaf, i) + valueLengthAt(leaf, i);
    });
  }
  if (total > bufferConstants.MAX_LENGTH) {
    throw new TidekvError('IO_ERROR', `the store needs a ${total}-byte snapshot file; one file holds at most ${bufferConstants.MAX_LENGTH} bytes`);
  }
  const out = Buffer.allocUnsafe(total);
  let at = HEADER_SIZE;
  for (const [name, view] of present) {
    out[at++] = name.length;
    at += out.write(name, at, 'latin1');
    out.writeUInt32LE(view.size, at);
    at += 4;
    new Cursor(view, undefined, undefined, false).each(Infinity, (leaf, i) => {
      const offset = leaf.offsets[i]!;
      const keyLength = keyLengthAt(leaf, i);
      const outside = outsideValueAt(leaf, i);
      // Header and key, plus the value when it is inline: one contiguous arena range.
      const inArena = ENTRY_HEADER + keyLength + (outside === undefined ? valueLengthAt(leaf, i) : 0);
      out.set(leaf.data.subarray(offset, offset + inArena), at);
      at += inArena;
      if (outside !== undefined) {
        out.set(outside, at);
        at += outside.length;
      }
    });
  }
  MAGIC.copy(out, 0);
  out.writeUInt32LE(FORMAT_VERSION, 8);
  out.writeUInt32LE(present.length, 12);
  out.writeBigUInt64LE(BigInt(total - HEADER_SIZE), 16);
  out.writeUInt32LE(crc32(out.subarray(HEADER_SIZE)), 24);
  out.writeUInt32LE(crc32(out.subarray(0, 28)), 28);
  return out;
}

/** memcmp of two byte ranges of one buffer. */
function compareRanges(bytes: Uint8Array, a: number, aLength: number, b: number, bLength: number): number {
  const n = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < n; i++) {
    const d = bytes[a + i]! - bytes[b + i]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

function corrupt(file: string, reason: string, offset?: number): TidekvError {
  return new TidekvError('CORRUPTION', `snapshot file ${file} is damaged: ${reason}`, { details: { file, offset } });
}

/** Parses and fully verifies a snapshot file's bytes. `file` names it in errors. */
export function decodeSnapshot(bytes: Buffer, file: string): Map<string, KeyspaceEntries> {
  if (bytes.length < HEADER_SIZE) throw corrupt(file, `${bytes.length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  if (!bytes.subarray(0, 8).equals(MAGIC)) throw corrupt(file, 'wrong magic: not a tidekv memory snapshot', 0);
  if (crc32(bytes.subarray(0, 28)) !== bytes.readUInt32LE(28)) throw corrupt(file, 'header checksum mismatch', 0);
  const version = bytes.readUInt32LE(8);
  if (version !== FORMAT_VERSION) {
    throw new TidekvError('NOT_SUPPORTED', `snapshot file ${file} has format version ${version}; this version reads ${FORMAT_VERSION}`, {
      details: { file, version },
    });
  }
  const keyspaceCount = bytes.readUInt32LE(12);
  const payloadLength = bytes.readBigUInt64LE(16);
  if (payloadLength !== BigInt(bytes.length - HEADER_SIZE)) {
    throw corrupt(file, `header promises ${payloadLength} payload bytes, file holds ${bytes.length - HEADER_SIZE} (truncated or extended)`);
  }
  if (crc32(bytes.subarray(HEADER_SIZE)) !== bytes.readUInt32LE(24)) throw corrupt(file, 'payload checksum mismatch', HEADER_SIZE);

  // The checksum matched, so what follows only fails for a file written by something else;
  // every length is still checked rather than trusted.
  const out = new Map<string, KeyspaceEntries>();
  let at = HEADER_SIZE;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw corrupt(file, `${what} runs past the end of the file`, at);
  };
  for (let k = 0; k < keyspaceCount; k++) {
    need(1, 'keyspace name length');
    const nameLength = bytes[at++]!;
    need(nameLength, 'keyspace name');
    const name = bytes.toString('latin1', at, at + nameLength);
    at += nameLength;
    if (!KEYSPACE_NAME_PATTERN.test(name) || out.has(name)) throw corrupt(file, `bad or repeated keyspace name ${JSON.stringify(name)}`, at);
    need(4, 'entry count');
    const count = bytes.readUInt32LE(at);
    at += 4;
    const offsets: number[] = [];
    let previousKey = -1;
    let previousKeyLength = 0;
    for (let i = 0; i < count; i++) {
      need(ENTRY_HEADER, 'entry header');
      const keyLength = bytes.readUInt32LE(at);
      const valueLength = bytes.readUInt32LE(at + 4);
      if (keyLength > MAX_KEY_SIZE) throw corrupt(file, `key of ${keyLength} bytes exceeds the key size limit`, at);
      if (valueLength > MAX_VALUE_SIZE) throw corrupt(file, `value of ${valueLength} bytes exceeds the value size limit`, at);
      need(ENTRY_HEADER + keyLength + valueLength, 'entry');
      const key = at + ENTRY_HEADER;
      if (previousKey >= 0 && compareRanges(bytes, previousKey, previousKeyLength, key, keyLength) >= 0) {
        throw corrupt(file, `keys out of order in keyspace '${name}'`, at);
      }
      offsets.push(at);
      previousKey = key;
      previousKeyLength = keyLength;
      at = key + keyLength + valueLength;
    }
    out.set(name, { bytes, offsets });
  }
  if (at !== bytes.length) throw corrupt(file, `${bytes.length - at} unexpected bytes after the last keyspace`, at);
  return out;
}
