/**
 * pack(): tuples to order-preserving bytes (FoundationDB tuple layer encoding). This sits on
 * hot paths, so it writes into one reused ByteWriter, one bounds check per element.
 */
import { TidekvError } from '../errors.js';
import { ByteWriter } from './byte-writer.js';
import { describeValue } from '../errors.js';
import { TUPLE_MAX_DEPTH, TypeCode, isTupleDouble, type Tuple } from './tuple-types.js';

/** A bad element, with the index path to it filled in while the error unwinds. */
class ElementError extends Error {
  readonly path: number[] = [];
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/** Integers longer than this many bytes cannot carry their length in one byte. */
const MAX_INTEGER_BYTES = 255;

// A double's bytes, read through a typed-array view (cheaper than DataView per byte).
const doubleScratch = new Float64Array(1);
const doubleBytes = new Uint8Array(doubleScratch.buffer);
/** Index of the most significant byte of doubleBytes; 7 on little-endian hosts. */
const MSB = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 7 : 0;

const sharedWriter = new ByteWriter();
let sharedWriterBusy = false;

/** Encodes `tuple` as bytes whose memcmp order is the tuple order. */
export function pack(tuple: Tuple): Uint8Array {
  if (!Array.isArray(tuple)) {
    throw new TidekvError('INVALID_ARGUMENT', `pack() takes an array (a tuple), got ${describeValue(tuple)}`);
  }
  // pack is synchronous, so one writer serves every call; a re-entrant call (only possible
  // through a getter on the array) gets its own.
  const writer = sharedWriterBusy ? new ByteWriter() : sharedWriter;
  const shared = writer === sharedWriter;
  if (shared) sharedWriterBusy = true;
  try {
    writer.reset();
    encodeItems(writer, tuple, 0);
    return writer.finish();
  } catch (error) {
    if (!(error instanceof ElementError)) throw error;
    const where = 'tuple' + error.path.map((i) => `[${i}]`).join('');
    throw new TidekvError('INVALID_ARGUMENT', `pack(): ${where} ${error.message}`, { details: { path: error.path } });
  } finally {
    if (shared) sharedWriterBusy = false;
  }
}

/** The range of every tuple that starts with `prefix` and has at least one more element. */
export function range(prefix: Tuple): { gte: Uint8Array; lt: Uint8Array } {
  const packed = pack(prefix);
  const gte = new Uint8Array(packed.length + 1);
  gte.set(packed);
  const lt = gte.slice();
  // Every element starts with a type code in 0x00..0xfe, so [t 0x00, t 0xff) holds them all.
  lt[packed.length] = 0xff;
  return { gte, lt };
}

function encodeItems(w: ByteWriter, items: Tuple, depth: number): void {
  const nested = depth > 0;
  for (let i = 0; i < items.length; i++) {
    try {
      encodeElement(w, items[i], nested, depth);
    } catch (error) {
      if (error instanceof ElementError) error.path.unshift(i);
      throw error;
    }
  }
}

function encodeElement(w: ByteWriter, value: unknown, nested: boolean, depth: number): void {
  switch (typeof value) {
    case 'string':
      return encodeString(w, value);
    case 'number':
      return encodeNumber(w, value);
    case 'bigint':
      return encodeBigInt(w, value);
    case 'boolean':
      return w.byte(value ? TypeCode.true : TypeCode.false);
    case 'object':
      if (value === null) {
        w.byte(TypeCode.null);
        if (nested) w.byte(TypeCode.escape);
        return;
      }
      if (value instanceof Uint8Array) return encodeBytes(w, value);
      if (Array.isArray(value)) {
        if (depth + 1 > TUPLE_MAX_DEPTH) {
          throw new ElementError(`nests tuples deeper than ${TUPLE_MAX_DEPTH} levels (is the array cyclic?)`);
        }
        w.byte(TypeCode.nested);
        encodeItems(w, value, depth + 1);
        w.byte(0x00);
        return;
      }
      if (isTupleDouble(value)) return encodeDouble(w, value.value);
      break;
  }
  throw new ElementError(
    `is ${describeValue(value)}; tuple elements are null, Uint8Array, string, number, bigint, boolean, double() or a nested array`,
  );
}

/** 0x01, the bytes with each 0x00 written as 0x00 0xff, then 0x00. */
function encodeBytes(w: ByteWriter, bytes: Uint8Array): void {
  const n = bytes.length;
  if (bytes.indexOf(0) === -1) {
    w.ensure(n + 2);
    const buf = w.bytes;
    buf[w.length] = TypeCode.bytes;
    buf.set(bytes, w.length + 1);
    buf[w.length + 1 + n] = 0x00;
    w.length += n + 2;
    return;
  }
  w.ensure(2 * n + 2);
  const buf = w.bytes;
  let p = w.length;
  buf[p++] = TypeCode.bytes;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    buf[p++] = b;
    if (b === 0) buf[p++] = TypeCode.escape;
  }
  buf[p++] = 0x00;
  w.length = p;
}

/**
 * 0x02, the UTF-8 bytes (0x00 escaped as for bytes), then 0x00. Encoded here rather than by
 * TextEncoder so a lone surrogate is caught (TextEncoder silently writes U+FFFD) and no
 * temporary array is made. UTF-8 byte order is code-point order, which is the tuple order.
 */
function encodeString(w: ByteWriter, text: string): void {
  const n = text.length;
  // Worst case per UTF-16 unit: 3 bytes (a surrogate pair is 2 units for 4 bytes; NUL is 2).
  w.ensure(3 * n + 2);
  const buf = w.bytes;
  let p = w.length;
  buf[p++] = TypeCode.string;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
      if (c === 0) buf[p++] = TypeCode.escape;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c >= 0xe000) {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      const low = c < 0xdc00 && i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (low < 0xdc00 || low >= 0xe000) {
        throw new ElementError(
          `is a string with a lone surrogate (\\u${c.toString(16)}) at index ${i}; it has no UTF-8 encoding (check String.prototype.isWellFormed)`,
        );
      }
      const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      buf[p++] = 0xf0 | (cp >> 18);
      buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[p++] = 0x80 | (cp & 0x3f);
      i++;
    }
  }
  buf[p++] = 0x00;
  w.length = p;
}

function encodeNumber(w: ByteWriter, value: number): void {
  if (Number.isInteger(value) && value <= MAX_SAFE && value >= -MAX_SAFE) return encodeSafeInteger(w, value);
  if (Number.isNaN(value)) throw new ElementError('is NaN, which has no place in the tuple order');
  encodeDouble(w, value);
}

function byteLength(magnitude: number): number {
  if (magnitude < 0x100) return 1;
  if (magnitude < 0x10000) return 2;
  if (magnitude < 0x1000000) return 3;
  if (magnitude < 0x100000000) return 4;
  if (magnitude < 0x10000000000) return 5;
  if (magnitude < 0x1000000000000) return 6;
  return 7; // MAX_SAFE_INTEGER < 2^56
}

/**
 * 0x14 for zero; else 0x14 ± n then the n-byte big-endian magnitude, one's complemented
 * when negative (so a larger magnitude sorts lower). `-0` lands here as 0.
 */
function encodeSafeInteger(w: ByteWriter, value: number): void {
  if (value === 0) return w.byte(TypeCode.intZero);
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  const n = byteLength(magnitude);
  w.ensure(n + 1);
  const buf = w.bytes;
  const at = w.length;
  buf[at] = negative ? TypeCode.intZero - n : TypeCode.intZero + n;
  const flip = negative ? 0xff : 0x00;
  // Two 32-bit halves, so each byte is a shift rather than a floating-point division.
  const low = magnitude % 0x100000000;
  const high = (magnitude - low) / 0x100000000;
  const last = at + n;
  for (let k = 0; k < n; k++) {
    const b = k < 4 ? (low >>> (8 * k)) & 0xff : (high >>> (8 * (k - 4))) & 0xff;
    buf[last - k] = b ^ flip;
  }
  w.length = last + 1;
}

function encodeBigInt(w: ByteWriter, value: bigint): void {
  // The same integer encodes the same way whether it came as a number or a bigint.
  if (value <= MAX_SAFE_BIG && value >= -MAX_SAFE_BIG) return encodeSafeInteger(w, Number(value));
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString(16);
  if (digits.length & 1) digits = '0' + digits;
  const n = digits.length / 2;
  if (n > MAX_INTEGER_BYTES) {
    throw new ElementError(`is an integer of ${n} bytes; at most ${MAX_INTEGER_BYTES} bytes are supported`);
  }
  const flip = negative ? 0xff : 0x00;
  w.ensure(n + 2);
  const buf = w.bytes;
  let p = w.length;
  if (n <= 8) {
    buf[p++] = negative ? TypeCode.intZero - n : TypeCode.intZero + n;
  } else {
    // The length byte is complemented for negatives too: longer (larger) magnitudes sort lower.
    buf[p++] = negative ? TypeCode.negativeBig : TypeCode.positiveBig;
    buf[p++] = n ^ flip;
  }
  for (let i = 0; i < n; i++) buf[p++] = parseInt(digits.slice(2 * i, 2 * i + 2), 16) ^ flip;
  w.length = p;
}

/**
 * 0x21 then the big-endian IEEE 754 bits, transformed so memcmp gives IEEE total order:
 * negatives have every bit flipped, positives only the sign bit. -0 sorts just below +0.
 */
function encodeDouble(w: ByteWriter, value: number): void {
  doubleScratch[0] = value;
  const negative = (doubleBytes[MSB]! & 0x80) !== 0;
  w.ensure(9);
  const buf = w.bytes;
  const at = w.length;
  buf[at] = TypeCode.double;
  for (let i = 0; i < 8; i++) {
    const b = doubleBytes[MSB === 0 ? i : 7 - i]!;
    buf[at + 1 + i] = negative ? b ^ 0xff : i === 0 ? b ^ 0x80 : b;
  }
  w.length = at + 9;
}
