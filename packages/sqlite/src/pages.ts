/**
 * Keyset pagination: each page is one short statement (`WHERE k > last ... LIMIT n`) that
 * runs to completion, so the connection is never left busy mid-scan and writes can happen
 * between pages. Later pages continue strictly after (or, reversed, before) the last key
 * handed out, so an entry is never returned twice and the scan always makes progress.
 */
import { halfOpenEnd, halfOpenStart, retainHiddenClass, type ChunkSource, type Entry, type NormalizedRange } from '@tidekv/core';
import type { ReadBurst } from './read-burst.js';
import type { TableStatements } from './statements.js';

/** The smallest key: every key is >= the empty byte string. */
const MIN_KEY = new Uint8Array(0);
const NO_ENTRIES: Entry[] = [];

/**
 * One iterator's pages, each read inside the connection's read burst (undefined on a
 * snapshot's connection, which is already inside its own transaction). A seek opens one of
 * these and reads one page, so it is the only object the adapter allocates per iterator: the
 * bounds go straight into its fields as [start, end), with no HalfOpenRange between.
 */
export class PageReader implements ChunkSource {
  readonly #statements: TableStatements;
  readonly #burst: ReadBurst | undefined;
  readonly #start: Uint8Array | undefined;
  readonly #end: Uint8Array | undefined;
  readonly #reverse: boolean;
  #last: Uint8Array | undefined;
  #done = false;

  constructor(statements: TableStatements, burst: ReadBurst | undefined, { lower, upper, reverse }: NormalizedRange) {
    this.#statements = statements;
    this.#burst = burst;
    this.#start = halfOpenStart(lower);
    this.#end = halfOpenEnd(upper);
    this.#reverse = reverse;
  }

  /** Up to `max` further entries; an empty array at the end. */
  read(max: number): Entry[] {
    if (this.#done) return NO_ENTRIES;
    this.#burst?.enter();
    const s = this.#statements;
    const last = this.#last;
    let rows: unknown[];
    if (this.#reverse) {
      const start = this.#start;
      const below = last ?? this.#end;
      if (start === undefined) rows = below === undefined ? s.reverseAll.all(max) : s.reverseBelow.all(below, max);
      else rows = below === undefined ? s.reverseFrom.all(start, max) : s.reverseFromBelow.all(start, below, max);
    } else if (last === undefined) {
      // The empty key is the smallest key: `k >= x''` is a seek to the first row.
      const start = this.#start ?? MIN_KEY;
      rows = this.#end === undefined ? s.forwardFrom.all(start, max) : s.forwardFromBelow.all(start, this.#end, max);
    } else {
      rows = this.#end === undefined ? s.forwardAfter.all(last, max) : s.forwardAfterBelow.all(last, this.#end, max);
    }
    if (rows.length < max) this.#done = true;
    if (rows.length > 0) this.#last = (rows[rows.length - 1] as Entry)[0];
    return rows as Entry[];
  }
}

// One idle reader for the life of the process (see core's retainHiddenClass): a seek makes and
// drops one per call, and a full GC between two seeks would otherwise deoptimize read().
retainHiddenClass(new PageReader(undefined as never, undefined, { lower: undefined, upper: undefined, reverse: false, limit: 0, empty: true }));

/** Entries per page for iterateSync, and per chunk for iterate's `next()` / `for await`. */
export const PAGE_SIZE = 256;
