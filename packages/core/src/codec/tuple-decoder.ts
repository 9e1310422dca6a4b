/**
 * unpack(): bytes made by pack() back to a tuple. It accepts only canonical encodings (the
 * bytes pack() itself would write), so whatever it returns packs back to the same bytes,
 * and anything else fails with CORRUPTION (or NOT_SUPPORTED for a FoundationDB type tidekv
 * does not decode) instead of a wrong value.
 */
import { TidekvError } from '../errors.js';
import { concatBytes, utf8Decode } from './bytes.js';
import { corruption, hex } from './codec-errors.js';
import { describeValue } from '../errors.js';
import { TUPLE_MAX_DEPTH, TypeCode, TupleDouble, UNSUPPORTED_TYPE_CODES, type TupleElement } from './tuple-types.js';

const WHAT = 'unpack()';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const doubleScratch = new DataView(new ArrayBuffer(8));

/**
 * Decodes a packed tuple. Integers come back as `number` when within
 * ±Number.MAX_SAFE_INTEGER and as `bigint` otherwise; doubles as `number`, except those
 * that would pack as integers (integer-valued within the safe range, and -0), which come
 * back as `TupleDouble`. Byte strings come back as fresh `Uint8Array`s.
 */
export function unpack(bytes: Uint8Array): TupleElement[] {
  if (!(bytes instanceof Uint8Array)) {
    throw new TidekvError('INVALID_ARGUMENT', `unpack() takes a Uint8Array, got ${describeValue(bytes)}`);
  }
  const reader = new TupleReader(bytes);
  return reader.items(0);
}

class TupleReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Elements up to the end of the input (depth 0) or the 0x00 that ends a nested tuple. */
  items(depth: number): TupleElement[] {
    const bytes = this.bytes;
    const out: TupleElement[] = [];
    for (;;) {
      if (this.pos >= bytes.length) {
        if (depth > 0) throw corruption(WHAT, 'nested tuple is not terminated', this.pos);
        return out;
      }
      const code = bytes[this.pos]!;
      if (code === TypeCode.null && depth > 0) {
        if (bytes[this.pos + 1] === TypeCode.escape) {
          out.push(null);
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out.push(this.element(code, depth));
    }
  }

  private element(code: number, depth: number): TupleElement {
    const start = this.pos;
    switch (code) {
      case TypeCode.null:
        this.pos++;
        return null;
      case TypeCode.bytes:
        return this.escaped(true);
      case TypeCode.string:
        return this.string();
      case TypeCode.nested:
        if (depth + 1 > TUPLE_MAX_DEPTH) throw corruption(WHAT, `tuples nest deeper than ${TUPLE_MAX_DEPTH} levels`, start);
        this.pos++;
        return this.items(depth + 1);
      case TypeCode.double:
        return this.double();
      case TypeCode.false:
        this.pos++;
        return false;
      case TypeCode.true:
        this.pos++;
        return true;
    }
    if (code >= TypeCode.negativeBig && code <= TypeCode.positiveBig) return this.integer(code);
    const unsupported = UNSUPPORTED_TYPE_CODES.get(code);
    if (unsupported !== undefined) {
      throw new TidekvError('NOT_SUPPORTED', `${WHAT}: type code ${hex(code)} (${unsupported}) at offset ${start} is not supported`, {
        details: { offset: start, code },
      });
    }
    throw corruption(WHAT, `${hex(code)} is not a tuple type code`, start, { code });
  }

  /**
   * The body of a bytes or string element, unescaped; `pos` moves past its terminator.
   * Without `copy`, a body that has no escapes is returned as a view into the input.
   */
  private escaped(copy: boolean): Uint8Array {
    const bytes = this.bytes;
    const start = this.pos;
    let from = start + 1;
    let end = bytes.indexOf(0, from);
    if (end === -1) throw corruption(WHAT, 'byte string is not terminated', start);
    if (bytes[end + 1] !== TypeCode.escape) {
      this.pos = end + 1;
      // Not bytes.slice: on a Buffer that is a view, not a copy.
      return copy ? new Uint8Array(bytes.subarray(from, end)) : bytes.subarray(from, end);
    }
    const parts: Uint8Array[] = [];
    while (bytes[end + 1] === TypeCode.escape) {
      // Keep the 0x00, drop its 0xff escape.
      parts.push(bytes.subarray(from, end + 1));
      from = end + 2;
      end = bytes.indexOf(0, from);
      if (end === -1) throw corruption(WHAT, 'byte string is not terminated', start);
    }
    parts.push(bytes.subarray(from, end));
    this.pos = end + 1;
    // A new array: a copy whatever `copy` says.
    return concatBytes(parts);
  }

  private string(): string {
    const start = this.pos;
    const body = this.escaped(false);
    if (body.length <= 32) {
      // Short ASCII strings are common keys; building them directly skips a native call.
      let text = '';
      let i = 0;
      for (; i < body.length && body[i]! < 0x80; i++) text += String.fromCharCode(body[i]!);
      if (i === body.length) return text;
    }
    try {
      return utf8Decode(body);
    } catch (error) {
      throw new TidekvError('CORRUPTION', `${WHAT}: string at offset ${start} is not valid UTF-8`, {
        cause: error,
        details: { offset: start },
      });
    }
  }

  private integer(code: number): number | bigint {
    const bytes = this.bytes;
    const start = this.pos;
    if (code === TypeCode.intZero) {
      this.pos++;
      return 0;
    }
    let negative: boolean;
    let n: number;
    let at = start + 1;
    if (code === TypeCode.positiveBig || code === TypeCode.negativeBig) {
      if (at >= bytes.length) throw corruption(WHAT, 'integer length is missing', start);
      negative = code === TypeCode.negativeBig;
      n = negative ? bytes[at]! ^ 0xff : bytes[at]!;
      at++;
      if (n <= 8) throw corruption(WHAT, `a ${n}-byte integer must use type code ${hex(TypeCode.intZero + (negative ? -n : n))}`, start);
    } else {
      negative = code < TypeCode.intZero;
      n = negative ? TypeCode.intZero - code : code - TypeCode.intZero;
    }
    if (at + n > bytes.length) throw corruption(WHAT, `integer needs ${n} bytes, only ${bytes.length - at} remain`, start);
    const flip = negative ? 0xff : 0x00;
    const first = bytes[at]! ^ flip;
    if (first === 0) throw corruption(WHAT, 'integer has a redundant leading zero byte', start);
    this.pos = at + n;
    // Up to 6 bytes, or 7 with a first byte below 0x20, is below 2^53: exact as a number.
    if (n < 7 || (n === 7 && first < 0x20)) {
      let magnitude = 0;
      for (let i = 0; i < n; i++) magnitude = magnitude * 256 + (bytes[at + i]! ^ flip);
      return negative ? -magnitude : magnitude;
    }
    let digits = '';
    for (let i = 0; i < n; i++) digits += ((bytes[at + i]! ^ flip) | 0x100).toString(16).slice(1);
    const magnitude = BigInt('0x' + digits);
    return negative ? -magnitude : magnitude;
  }

  private double(): number | TupleDouble {
    const bytes = this.bytes;
    const start = this.pos;
    if (start + 9 > bytes.length) throw corruption(WHAT, 'double needs 8 bytes', start);
    // Encoded positives have the top bit set (only the sign bit was flipped).
    const positive = (bytes[start + 1]! & 0x80) !== 0;
    for (let i = 0; i < 8; i++) {
      const b = bytes[start + 1 + i]!;
      doubleScratch.setUint8(i, positive ? (i === 0 ? b ^ 0x80 : b) : b ^ 0xff);
    }
    const value = doubleScratch.getFloat64(0);
    if (Number.isNaN(value)) throw corruption(WHAT, 'double is NaN', start);
    this.pos = start + 9;
    // These would pack back as integers: keep them marked as doubles.
    if (Number.isInteger(value) && value <= MAX_SAFE && value >= -MAX_SAFE) return new TupleDouble(value);
    return value;
  }
}
