/** YCSB F, read-modify-write: 50% reads, 50% read-then-write of the same key, scrambled zipfian. */
import { ycsbWorkload } from './ycsb/core.js';

export const ycsbF = ycsbWorkload('f', '50% read / 50% read-modify-write, scrambled zipfian', {
  read: 0.5,
  readModifyWrite: 0.5,
  distribution: 'zipfian',
});
