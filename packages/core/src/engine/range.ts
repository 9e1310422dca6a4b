/**
 * Range normalisation: every adapter turns a user's Range into the same two bounds, so the
 * gt/gte/lt/lte/prefix rules live in one place and no adapter can get them wrong.
 */
import { TidekvError } from '../errors.js';
import { compareBytes, keySuccessor, prefixSuccessor } from '../codec/bytes.js';
import type { Range } from './types.js';
import { describeValue } from '../errors.js';
import { realByteLength } from './byte-input.js';

export interface Bound {
  key: Uint8Array;
  inclusive: boolean;
}

export interface NormalizedRange {
  lower: Bound | undefined;
  upper: Bound | undefined;
  reverse: boolean;
  /** Infinity when absent. */
  limit: number;
  /** True when no key can match (crossed bounds or limit 0): adapters may return at once. */
  empty: boolean;
}

/** The same range as [start, end): start inclusive, end exclusive; undefined = unbounded. */
export interface HalfOpenRange {
  start: Uint8Array | undefined;
  end: Uint8Array | undefined;
}

/** A normalised iterate() range, with the caller's AbortSignal. */
export interface NormalizedIterateRange extends NormalizedRange {
  signal: AbortSignal | undefined;
}

const RANGE_KEYS = new Set(['gt', 'gte', 'lt', 'lte', 'prefix', 'reverse', 'limit']);
const ITERATE_KEYS = new Set([...RANGE_KEYS, 'signal']);

function bound(value: unknown, name: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (realByteLength(value) < 0) {
    throw new TidekvError('INVALID_RANGE', `range.${name} must be a Uint8Array, got ${describeValue(value)}`);
  }
  return value as Uint8Array;
}

/** The tighter of two lower bounds. */
function maxLower(a: Bound | undefined, b: Bound | undefined): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = compareBytes(a.key, b.key);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

/** The tighter of two upper bounds. */
function minUpper(a: Bound | undefined, b: Bound | undefined): Bound | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = compareBytes(a.key, b.key);
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? b : a;
}

/**
 * A range for clear() and delRange: a plain object (a Map, a class instance or an array is not
 * one, and reading it as {} would delete everything) with only the Range options.
 */
export function normalizeRange(input: unknown = {}): NormalizedRange {
  return normalizeWith(input, RANGE_KEYS);
}

/** iterate() and iterateSync() options: a Range plus an optional AbortSignal. */
export function normalizeIterateRange(input: unknown = {}): NormalizedIterateRange {
  return normalizeWith(input, ITERATE_KEYS);
}

/**
 * The range a delete covers: only its bounds count (deletes ignore `reverse` and `limit`), so
 * it is empty only when the bounds cross. Absent means everything; null is bad input.
 */
export function normalizeDeleteRange(input: unknown): NormalizedRange {
  const range = normalizeRange(input === undefined ? {} : input);
  const { lower, upper } = range;
  return { lower, upper, reverse: false, limit: Infinity, empty: crossed(lower, upper) };
}

function crossed(lower: Bound | undefined, upper: Bound | undefined): boolean {
  if (!lower || !upper) return false;
  const c = compareBytes(lower.key, upper.key);
  return c > 0 || (c === 0 && !(lower.inclusive && upper.inclusive));
}

/**
 * Validates and normalises in one pass, building one result object (a seek's whole range
 * costs that object and its bound). `signal` is read only when `known` allows it (iterate's
 * options); the result always carries the field, so every normalised range has one shape.
 */
function normalizeWith(input: unknown, known: ReadonlySet<string>): NormalizedIterateRange {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TidekvError('INVALID_RANGE', `range must be an object, got ${describeValue(input)}`);
  }
  const prototype: unknown = Object.getPrototypeOf(input);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TidekvError('INVALID_RANGE', `range must be a plain object, got ${describeValue(input)}`);
  }
  const range = input as Range;
  // for-in, with hasOwn asked only of an unknown name, rejects exactly Object.keys' unknown
  // names without allocating their array.
  for (const name in range) {
    if (!known.has(name) && Object.hasOwn(range, name)) throw new TidekvError('INVALID_RANGE', `unknown range option '${name}'`);
  }
  // Each option read once, by name (a read by a computed name is a slow, generic lookup).
  const gt = bound(range.gt, 'gt');
  const gte = bound(range.gte, 'gte');
  const lt = bound(range.lt, 'lt');
  const lte = bound(range.lte, 'lte');
  const prefix = bound(range.prefix, 'prefix');

  const { reverse = false, limit = Infinity } = range;
  if (typeof reverse !== 'boolean') {
    throw new TidekvError('INVALID_RANGE', `range.reverse must be a boolean, got ${describeValue(reverse)}`);
  }
  if (typeof limit !== 'number' || !(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new TidekvError('INVALID_RANGE', `range.limit must be a non-negative integer or Infinity, got ${describeValue(limit)}`);
  }

  let lower: Bound | undefined = gte ? { key: gte, inclusive: true } : gt ? { key: gt, inclusive: false } : undefined;
  let upper: Bound | undefined = lte ? { key: lte, inclusive: true } : lt ? { key: lt, inclusive: false } : undefined;
  if (prefix) {
    lower = maxLower(lower, { key: prefix, inclusive: true });
    const end = prefixSuccessor(prefix);
    if (end) upper = minUpper(upper, { key: end, inclusive: false });
  }

  const signal = known === ITERATE_KEYS ? (range as { signal?: unknown }).signal : undefined;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TidekvError('INVALID_OPTION', `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }

  const empty = limit === 0 || crossed(lower, upper);
  return { lower, upper, reverse, limit, empty, signal };
}

export function aboveLower(key: Uint8Array, lower: Bound | undefined): boolean {
  if (!lower) return true;
  const c = compareBytes(key, lower.key);
  return lower.inclusive ? c >= 0 : c > 0;
}

export function belowUpper(key: Uint8Array, upper: Bound | undefined): boolean {
  if (!upper) return true;
  const c = compareBytes(key, upper.key);
  return upper.inclusive ? c <= 0 : c < 0;
}

export function inRange(key: Uint8Array, range: NormalizedRange): boolean {
  return aboveLower(key, range.lower) && belowUpper(key, range.upper);
}

/**
 * Converts to [start, end). Exact under bytewise order because key + 0x00 is the immediate
 * successor of key: `> k` is `>= k\0` and `<= k` is `< k\0`.
 */
export function toHalfOpen(range: NormalizedRange): HalfOpenRange {
  return { start: halfOpenStart(range.lower), end: halfOpenEnd(range.upper) };
}

/** toHalfOpen's start alone, for a reader that keeps the two bounds in its own fields. */
export function halfOpenStart(lower: Bound | undefined): Uint8Array | undefined {
  return lower === undefined ? undefined : lower.inclusive ? lower.key : keySuccessor(lower.key);
}

/** toHalfOpen's end alone. */
export function halfOpenEnd(upper: Bound | undefined): Uint8Array | undefined {
  return upper === undefined ? undefined : upper.inclusive ? keySuccessor(upper.key) : upper.key;
}
