/**
 * db_bench-style data: 16-byte keys formatted `%016d`, values of a chosen size whose first
 * 8 bytes carry (key id, version) so a read can be checked against what was written, and
 * whose remaining bytes come from a fixed random block (so values differ, as in db_bench).
 */
import { Random } from './random.js';

export const KEY_SIZE = 16;
export const DEFAULT_VALUE_SIZE = 100;
/** A value must hold its (id, version) header. */
export const MIN_VALUE_SIZE = 8;

const FILLER_BYTES = 1 << 20;
let filler: Buffer | undefined;

function fillerBlock(): Buffer {
  if (!filler) {
    const random = new Random(0x5eed);
    filler = Buffer.allocUnsafe(FILLER_BYTES);
    for (let i = 0; i < FILLER_BYTES; i += 4) filler.writeUInt32LE(random.nextUint32(), i);
  }
  return filler;
}

/** The key for id `i`: 16 ASCII digits, zero-padded, so numeric order is byte order. */
export function makeKey(i: number): Buffer {
  return Buffer.from(String(i).padStart(KEY_SIZE, '0'), 'latin1');
}

/** A key that sorts between ids and is never written: db_bench's readmissing appends '.'. */
export function makeMissingKey(i: number): Buffer {
  return Buffer.from(String(i).padStart(KEY_SIZE, '0') + '.', 'latin1');
}

export function makeKeys(ids: ArrayLike<number>): Buffer[] {
  const out = new Array<Buffer>(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = makeKey(ids[i]!);
  return out;
}

/** Keys for ids 0..n-1 in ascending order. */
export function sequentialKeys(n: number): Buffer[] {
  const out = new Array<Buffer>(n);
  for (let i = 0; i < n; i++) out[i] = makeKey(i);
  return out;
}

export function makeValue(id: number, version: number, size: number): Buffer {
  if (!Number.isInteger(size) || size < MIN_VALUE_SIZE) throw new RangeError(`value size must be an integer >= ${MIN_VALUE_SIZE}, got ${size}`);
  const block = fillerBlock();
  const value = Buffer.allocUnsafe(size);
  value.writeUInt32BE(id >>> 0, 0);
  value.writeUInt32BE(version >>> 0, 4);
  const span = size - MIN_VALUE_SIZE;
  if (span > 0) {
    const offset = (Math.imul(id, 7919) + Math.imul(version, 104729)) >>> 0;
    const start = offset % (FILLER_BYTES - Math.min(span, FILLER_BYTES - 1));
    const take = Math.min(span, FILLER_BYTES - start);
    block.copy(value, MIN_VALUE_SIZE, start, start + take);
    if (take < span) value.fill(0x2a, MIN_VALUE_SIZE + take);
  }
  return value;
}

export function makeValues(ids: ArrayLike<number>, version: number, size: number): Buffer[] {
  const out = new Array<Buffer>(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = makeValue(ids[i]!, version, size);
  return out;
}

/**
 * The contribution of one value to a read checksum: its (id, version) header and length.
 * Cheap enough for the timed loop, strong enough that a wrong value, a stale version or a
 * truncated value changes the sum.
 */
export function valueTag(value: Uint8Array): number {
  const id = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
  const version = ((value[4]! << 24) | (value[5]! << 16) | (value[6]! << 8) | value[7]!) >>> 0;
  return (Math.imul(id, 0x9e3779b1) + Math.imul(version, 0x85ebca6b) + value.length) | 0;
}

/** The tag a correct read of (id, version) must produce. */
export function expectedTag(id: number, version: number, size: number): number {
  return (Math.imul(id >>> 0, 0x9e3779b1) + Math.imul(version >>> 0, 0x85ebca6b) + size) | 0;
}
