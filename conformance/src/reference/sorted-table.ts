/**
 * One keyspace of the reference engine: a plain array of entries kept sorted by binary
 * search. Slow for big data, and obviously correct, which is the point.
 */
import { aboveLower, belowUpper, compareBytes, type Bound, type Entry, type NormalizedRange } from '@tidekv/core';

export class SortedTable {
  constructor(readonly entries: Entry[] = []) {}

  /** First index whose key is >= key. */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.entries[mid]![0], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose key is > key. */
  upperBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.entries[mid]![0], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const i = this.lowerBound(key);
    const entry = this.entries[i];
    return entry && compareBytes(entry[0], key) === 0 ? entry[1] : undefined;
  }

  /** Stores the given arrays as they are: callers pass copies. */
  put(key: Uint8Array, value: Uint8Array): void {
    const i = this.lowerBound(key);
    const entry = this.entries[i];
    if (entry && compareBytes(entry[0], key) === 0) entry[1] = value;
    else this.entries.splice(i, 0, [key, value]);
  }

  del(key: Uint8Array): void {
    const i = this.lowerBound(key);
    const entry = this.entries[i];
    if (entry && compareBytes(entry[0], key) === 0) this.entries.splice(i, 1);
  }

  deleteRange(range: NormalizedRange): void {
    if (range.lower === undefined && range.upper === undefined) {
      this.entries.length = 0;
      return;
    }
    const start = this.#firstAtOrAbove(range.lower);
    let end = start;
    while (end < this.entries.length && belowUpper(this.entries[end]![0], range.upper)) end++;
    this.entries.splice(start, end - start);
  }

  #firstAtOrAbove(lower: Bound | undefined): number {
    if (!lower) return 0;
    return lower.inclusive ? this.lowerBound(lower.key) : this.upperBound(lower.key);
  }

  #lastAtOrBelow(upper: Bound | undefined): number {
    if (!upper) return this.entries.length - 1;
    return (upper.inclusive ? this.upperBound(upper.key) : this.lowerBound(upper.key)) - 1;
  }

  /**
   * Up to `max` entries of `range` in iteration order that come strictly after `after`
   * (the last key already returned). Seeking by key rather than by index keeps iteration
   * correct while the table changes underneath.
   */
  scan(range: NormalizedRange, after: Uint8Array | undefined, max: number): Entry[] {
    const out: Entry[] = [];
    if (!range.reverse) {
      let i = after ? Math.max(this.upperBound(after), this.#firstAtOrAbove(range.lower)) : this.#firstAtOrAbove(range.lower);
      for (; i < this.entries.length && out.length < max; i++) {
        const entry = this.entries[i]!;
        if (!belowUpper(entry[0], range.upper)) break;
        out.push(entry);
      }
    } else {
      let i = after ? Math.min(this.lowerBound(after) - 1, this.#lastAtOrBelow(range.upper)) : this.#lastAtOrBelow(range.upper);
      for (; i >= 0 && out.length < max; i--) {
        const entry = this.entries[i]!;
        if (!aboveLower(entry[0], range.lower)) break;
        out.push(entry);
      }
    }
    return out;
  }

  clone(): SortedTable {
    return new SortedTable(this.entries.map(([k, v]) => [k, v]));
  }
}
