/**
 * The synced range watchers (any [key, end) that is not a prefix, and from-key watches),
 * kept so a changed key visits only the ranges that may hold it, not every range.
 *
 * The ranges sit in one array sorted by start, beside the running maximum of their ends
 * (maxEnd[i] = the largest end among ranges 0..i). The ranges holding key k all start at or
 * before k: a binary search finds the last of those, and the scan goes back from there only
 * while some range so far still ends after k (maxEnd > k). Disjoint or nested ranges stop
 * the scan at once; only ranges that really overlap k's neighbourhood are looked at.
 * Adding or removing a range moves array slots and redoes the running maximum from its
 * place: linear, but plain array work, and rare next to commits.
 *
 * Starts and ends are latin1 images (watch-key.ts): JS string order is byte order. An
 * unbounded end is '\u0100', above every image (images hold chars up to 0xFF only).
 */
import { lowerBound, upperBound } from './sorted-strings.js';
import { compareWithImage } from './watch-key.js';
import type { Watcher } from './watcher.js';

const UNBOUNDED = '\u0100';

function endOf(watcher: Watcher): string {
  const end = watcher.spec.endImage;
  return end.length === 0 ? UNBOUNDED : end;
}

/** compareWithImage, with the unbounded end above every key. */
function compareWithEnd(key: Uint8Array, end: string): number {
  return end === UNBOUNDED ? -1 : compareWithImage(key, end);
}

export class WatcherRangeIndex {
  private readonly watchers: Watcher[] = [];
  private readonly starts: string[] = [];
  private readonly maxEnds: string[] = [];

  get size(): number {
    return this.watchers.length;
  }

  add(watcher: Watcher): void {
    const start = watcher.spec.image;
    // After every range with the same start.
    const lo = upperBound(this.starts, start);
    this.watchers.splice(lo, 0, watcher);
    this.starts.splice(lo, 0, start);
    this.maxEnds.splice(lo, 0, '');
    this.redoMaxEnds(lo);
  }

  delete(watcher: Watcher): void {
    const start = watcher.spec.image;
    for (let i = lowerBound(this.starts, start); i < this.watchers.length && this.starts[i] === start; i++) {
      if (this.watchers[i] !== watcher) continue;
      this.watchers.splice(i, 1);
      this.starts.splice(i, 1);
      this.maxEnds.splice(i, 1);
      this.redoMaxEnds(i);
      return;
    }
  }

  /** Appends to `out` every range watcher whose range holds `key`. */
  collect(key: Uint8Array, out: Watcher[]): void {
    // The ranges starting at or before key: [0, lo).
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWithImage(key, this.starts[mid]!) >= 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) {
      if (compareWithEnd(key, this.maxEnds[i]!) >= 0) break; // no range in 0..i ends after key
      const watcher = this.watchers[i]!;
      if (compareWithEnd(key, endOf(watcher)) < 0) out.push(watcher);
    }
  }

  values(): Iterable<Watcher> {
    return this.watchers;
  }

  private redoMaxEnds(from: number): void {
    let max = from === 0 ? '' : this.maxEnds[from - 1]!;
    for (let i = from; i < this.watchers.length; i++) {
      const end = endOf(this.watchers[i]!);
      if (end > max) max = end;
      this.maxEnds[i] = max;
    }
  }
}
