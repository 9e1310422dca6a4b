/**
 * Unsigned 64-bit big-endian integers for fixed-width keys. Callers pass a safe
 * non-negative number or a bigint; reads return a number when it is safe, else a bigint.
 */
import { invalidArgument } from './codec-errors.js';
import { describeValue } from '../errors.js';

export const U64_MAX = (1n << 64n) - 1n;
const TWO_32 = 0x100000000;

/** Throws INVALID_ARGUMENT unless `value` is a u64 given as a bigint or safe non-negative integer. */
export function assertU64(value: unknown, what: string): asserts value is number | bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return;
  } else if (typeof value === 'bigint') {
    if (value >= 0n && value <= U64_MAX) return;
  }
  throw invalidArgument(`${what} must be an integer in [0, 2^64) given as a bigint or a safe non-negative number, got ${describeValue(value)}`);
}

/** Writes an already validated u64 at `at`. */
export function writeU64BE(out: Uint8Array, at: number, value: number | bigint): void {
  let hi: number;
  let lo: number;
  if (typeof value === 'number') {
    // Most values (revisions, versions, lengths) fit in 32 bits: no floating-point remainder then.
    if (value < TWO_32) {
      lo = value;
      hi = 0;
    } else {
      lo = value % TWO_32;
      hi = (value - lo) / TWO_32;
    }
  } else {
    lo = Number(value & 0xffffffffn);
    hi = Number(value >> 32n);
  }
  out[at] = hi >>> 24;
  out[at + 1] = (hi >>> 16) & 0xff;
  out[at + 2] = (hi >>> 8) & 0xff;
  out[at + 3] = hi & 0xff;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 0xff;
  out[at + 6] = (lo >>> 8) & 0xff;
  out[at + 7] = lo & 0xff;
}

function readHiLo(bytes: Uint8Array, at: number): [hi: number, lo: number] {
  const hi = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  const lo = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  return [hi, lo];
}

/** The u64 at `at`: a number when at most Number.MAX_SAFE_INTEGER, else a bigint. */
export function readU64BE(bytes: Uint8Array, at: number): number | bigint {
  const [hi, lo] = readHiLo(bytes, at);
  // hi below 2^21 means the value is below 2^53.
  if (hi < 0x200000) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The u64 at `at` if it is a safe integer, else undefined. */
export function readSafeU64BE(bytes: Uint8Array, at: number): number | undefined {
  // Inline rather than readHiLo: this runs for every number of every record read, and the pair costs an allocation.
  const hi = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  if (hi >= 0x200000) return undefined;
  const lo = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
  return hi * TWO_32 + lo;
}
