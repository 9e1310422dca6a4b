/**
 * The expected answer for a range read, computed the plainest way possible (sort, filter,
 * reverse, slice) and independently of core's range normalisation.
 */
import { TidekvError, normalizeRange, type Entry, type Range } from '@tidekv/core';
import { byteOrder, startsWith } from './bytes.js';

export function matchesRange(key: Uint8Array, range: Range): boolean {
  if (!(key instanceof Uint8Array)) throw new TidekvError('INVALID_KEY', 'matchesRange() takes a Uint8Array key');
  if (range.gte !== undefined) {
    if (byteOrder(key, range.gte) < 0) return false;
  } else if (range.gt !== undefined && byteOrder(key, range.gt) <= 0) return false;
  if (range.lte !== undefined) {
    if (byteOrder(key, range.lte) > 0) return false;
  } else if (range.lt !== undefined && byteOrder(key, range.lt) >= 0) return false;
  if (range.prefix !== undefined && !startsWith(key, range.prefix)) return false;
  return true;
}

/** Entries of `all` (any order, unique keys) that `range` selects, in iteration order. */
export function expectedRange(all: readonly Entry[], range: Range = {}): Entry[] {
  if (!Array.isArray(all) || !all.every((e) => Array.isArray(e) && e[0] instanceof Uint8Array && e[1] instanceof Uint8Array)) {
    throw new TidekvError('INVALID_ARGUMENT', 'expectedRange() takes an array of [key, value] Uint8Array pairs');
  }
  normalizeRange(range); // validation only (INVALID_RANGE); the answer below is computed independently
  const sorted = [...all].sort((a, b) => byteOrder(a[0], b[0]));
  const selected = sorted.filter(([key]) => matchesRange(key, range));
  if (range.reverse) selected.reverse();
  const limit = range.limit ?? Infinity;
  return limit === Infinity ? selected : selected.slice(0, limit);
}
