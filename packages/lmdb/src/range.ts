/**
 * Turns a normalised tidekv range into lmdb-js `getRange` options.
 *
 * lmdb-js walks from `start` towards `end`: forward, `start` is the low bound and `end` the
 * high one; in reverse, `start` is the HIGH bound and `end` the low one. `start` is inclusive
 * unless `exclusiveStart`, `end` exclusive unless `inclusiveEnd`, in both directions. Using
 * those flags (rather than successor keys) keeps a bound of exactly `maxKeySize` bytes legal.
 */
import type { Bound, NormalizedRange } from '@tidekv/core';
import { MAX_KEY_SIZE } from './key-mapping.js';
import type { RangeOptions } from './types.js';

/** getRange's bounds, direction and limit: what a range decides, before a read adds its transaction. */
export type LmdbRange = Omit<RangeOptions, 'transaction' | 'values'>;

/** The smallest tidekv key; with the tag byte it is the smallest stored key. */
const SMALLEST: Uint8Array = new Uint8Array(0);

/**
 * A bound longer than any storable key cannot be written into lmdb-js's key buffer. Cut it
 * to T = its first MAX_KEY_SIZE bytes: for every key k of at most MAX_KEY_SIZE bytes,
 * k >= B and k > B both mean k > T, and k < B and k <= B both mean k <= T.
 */
function fitLower(bound: Bound): Bound {
  return bound.key.length > MAX_KEY_SIZE ? { key: bound.key.subarray(0, MAX_KEY_SIZE), inclusive: false } : bound;
}

function fitUpper(bound: Bound): Bound {
  return bound.key.length > MAX_KEY_SIZE ? { key: bound.key.subarray(0, MAX_KEY_SIZE), inclusive: true } : bound;
}

export function toLmdbRange(range: NormalizedRange): LmdbRange {
  const lower = range.lower && fitLower(range.lower);
  const upper = range.upper && fitUpper(range.upper);
  if (!range.reverse) {
    const out: LmdbRange = {
      start: lower ? lower.key : SMALLEST,
      reverse: false,
      exclusiveStart: lower ? !lower.inclusive : false,
      inclusiveEnd: upper ? upper.inclusive : false,
    };
    // Without `end` lmdb-js runs to the last key.
    if (upper) out.end = upper.key;
    return out;
  }
  const out: LmdbRange = {
    // Without `start` a reverse scan begins at the last key. `end` must always be given:
    // left out, lmdb-js substitutes a default low key that would hide small keys.
    end: lower ? lower.key : SMALLEST,
    reverse: true,
    exclusiveStart: upper ? !upper.inclusive : false,
    inclusiveEnd: lower ? lower.inclusive : true,
  };
  if (upper) out.start = upper.key;
  return out;
}

/**
 * The same range, resumed strictly after `lastKey` (the last key handed out), for the next
 * chunk of a paginated scan.
 */
export function resumeAfter(range: LmdbRange, lastKey: Uint8Array): LmdbRange {
  return { ...range, start: lastKey, exclusiveStart: true };
}
