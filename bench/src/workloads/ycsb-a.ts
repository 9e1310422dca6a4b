/** YCSB A, update heavy: 50% reads, 50% updates, scrambled zipfian keys. */
import { ycsbWorkload } from './ycsb/core.js';

export const ycsbA = ycsbWorkload('a', '50% read / 50% update, scrambled zipfian', { read: 0.5, update: 0.5, distribution: 'zipfian' });
