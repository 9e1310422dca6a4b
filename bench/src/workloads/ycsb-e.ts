/** YCSB E, short ranges: 95% scans of 1-100 entries from a zipfian start key, 5% inserts. */
import { ycsbWorkload } from './ycsb/core.js';

export const ycsbE = ycsbWorkload('e', '95% scan (1-100 entries, uniform) / 5% insert, scrambled zipfian start', {
  scan: 0.95,
  insert: 0.05,
  distribution: 'zipfian',
});
