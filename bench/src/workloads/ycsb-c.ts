/** YCSB C, read only: 100% reads, scrambled zipfian keys. */
import { ycsbWorkload } from './ycsb/core.js';

export const ycsbC = ycsbWorkload('c', '100% read, scrambled zipfian', { read: 1, distribution: 'zipfian' });
