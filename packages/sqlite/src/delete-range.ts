import type { HalfOpenRange, NormalizedRange } from '@tidekv/core';
import type { TableStatements } from './statements.js';

const MIN_KEY = new Uint8Array(0);

/**
 * True when a delete over `range` cannot match anything. Deletes ignore `limit` (and
 * `reverse`), so only crossed bounds count, not the `limit: 0` that also marks a range empty.
 */
export function deletesNothing(range: NormalizedRange): boolean {
  return range.empty && range.limit !== 0;
}

/** Deletes every key in [start, end) with one statement. */
export function deleteRange({ statements, range }: { statements: TableStatements; range: HalfOpenRange }): void {
  const start = range.start ?? MIN_KEY;
  if (range.end === undefined) statements.clearFrom.run(start);
  else statements.clearBetween.run(start, range.end);
}
