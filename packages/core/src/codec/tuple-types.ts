/**
 * What a tuple may hold, and the FoundationDB tuple-layer type codes tidekv uses. Elements of
 * different types sort by type code: null < bytes < string < nested tuple < integers <
 * doubles < false < true.
 */
import { invalidArgument } from './codec-errors.js';
import { describeValue } from '../errors.js';

/**
 * A tuple element:
 * - `null`
 * - `Uint8Array` (a `Buffer` is one): a byte string
 * - `string`: UTF-8 text; must be well formed (no lone surrogates)
 * - `number`: an integer-valued number within ±`Number.MAX_SAFE_INTEGER` is an integer
 *   (`-0` is the integer 0); any other number (fractional, beyond the safe range, ±Infinity)
 *   is a double. NaN is rejected.
 * - `bigint`: an integer; magnitudes up to 255 bytes
 * - `TupleDouble` (from `double(x)`): `x` encoded as a double even when it is integer-valued
 * - `boolean`
 * - a nested tuple (an array of elements)
 */
export type TupleElement = null | boolean | number | bigint | string | Uint8Array | TupleDouble | Tuple;
export type Tuple = readonly TupleElement[];

/** How deep tuples may nest. It also stops a cyclic array from recursing forever. */
export const TUPLE_MAX_DEPTH = 100;

export const TypeCode = {
  null: 0x00,
  bytes: 0x01,
  string: 0x02,
  nested: 0x05,
  /** Negative integers longer than 8 bytes: code, length ^ 0xff, one's complement bytes. */
  negativeBig: 0x0b,
  /** Zero; 0x14 ± n is an n-byte positive or (one's complement) negative integer. */
  intZero: 0x14,
  /** Positive integers longer than 8 bytes: code, length, bytes. */
  positiveBig: 0x1d,
  double: 0x21,
  false: 0x26,
  true: 0x27,
  /** Inside a nested tuple a null is 0x00 0xff, so a bare 0x00 can end the tuple. */
  escape: 0xff,
} as const;

/** FoundationDB type codes this codec recognises but does not decode. */
export const UNSUPPORTED_TYPE_CODES: ReadonlyMap<number, string> = new Map([
  [0x20, 'single-precision float'],
  [0x22, 'extended-precision float'],
  [0x30, 'UUID'],
  [0x32, '80-bit versionstamp'],
  [0x33, '96-bit versionstamp'],
  ...Array.from({ length: 16 }, (_, i) => [0x40 + i, 'user type'] as [number, string]),
]);

export const DOUBLE_BRAND: unique symbol = Symbol.for('@tidekv/core.TupleDouble');

/**
 * Marks a number to be encoded as a double. Needed only for integer-valued numbers (and -0),
 * which otherwise encode as integers; `unpack` returns one for exactly those doubles, so
 * `pack(unpack(bytes))` reproduces `bytes`.
 */
export class TupleDouble {
  readonly value: number;
  /**
   * A brand rather than `instanceof`, so a TupleDouble made by another copy of this module
   * (the ESM and CJS builds loaded side by side) is still recognised.
   */
  readonly [DOUBLE_BRAND] = true;

  constructor(value: number) {
    if (typeof value !== 'number') throw invalidArgument(`double() takes a number, got ${describeValue(value)}`);
    if (Number.isNaN(value)) throw invalidArgument('double() cannot hold NaN: it has no place in the tuple order');
    this.value = value;
  }
}

/** `x` as an explicit double element, e.g. `pack([double(2)])` encodes 2.0 rather than the integer 2. */
export function double(value: number): TupleDouble {
  return new TupleDouble(value);
}

export function isTupleDouble(value: unknown): value is TupleDouble {
  return typeof value === 'object' && value !== null && (value as { [DOUBLE_BRAND]?: unknown })[DOUBLE_BRAND] === true;
}
