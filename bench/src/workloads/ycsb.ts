/** The six YCSB core workloads (A-F), one client, closed loop; the engine is ycsb/core.ts. */
import { ycsbWorkload } from './ycsb/core.js';

/** A, update heavy: 50% reads, 50% updates, scrambled zipfian keys. */
export const ycsbA = ycsbWorkload('a', '50% read / 50% update, scrambled zipfian', { read: 0.5, update: 0.5, distribution: 'zipfian' });

/** B, read mostly: 95% reads, 5% updates, scrambled zipfian keys. */
export const ycsbB = ycsbWorkload('b', '95% read / 5% update, scrambled zipfian', { read: 0.95, update: 0.05, distribution: 'zipfian' });

/** C, read only: 100% reads, scrambled zipfian keys. */
export const ycsbC = ycsbWorkload('c', '100% read, scrambled zipfian', { read: 1, distribution: 'zipfian' });

/** D, read latest: 95% reads of recently inserted keys, 5% inserts. */
export const ycsbD = ycsbWorkload('d', '95% read / 5% insert, latest (newest keys hottest)', { read: 0.95, insert: 0.05, distribution: 'latest' });

/** E, short ranges: 95% scans of 1-100 entries from a zipfian start key, 5% inserts. */
export const ycsbE = ycsbWorkload('e', '95% scan (1-100 entries, uniform) / 5% insert, scrambled zipfian start', {
  scan: 0.95,
  insert: 0.05,
  distribution: 'zipfian',
});

/** F, read-modify-write: 50% reads, 50% read-then-write of the same key, scrambled zipfian. */
export const ycsbF = ycsbWorkload('f', '50% read / 50% read-modify-write, scrambled zipfian', {
  read: 0.5,
  readModifyWrite: 0.5,
  distribution: 'zipfian',
});
