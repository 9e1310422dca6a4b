/** YCSB B, read mostly: 95% reads, 5% updates, scrambled zipfian keys. */
import { ycsbWorkload } from './ycsb/core.js';

export const ycsbB = ycsbWorkload('b', '95% read / 5% update, scrambled zipfian', { read: 0.95, update: 0.05, distribution: 'zipfian' });
