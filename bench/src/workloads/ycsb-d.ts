/** YCSB D, read latest: 95% reads of recently inserted keys, 5% inserts. */
import { ycsbWorkload } from './ycsb/core.js';

export const ycsbD = ycsbWorkload('d', '95% read / 5% insert, latest (newest keys hottest)', { read: 0.95, insert: 0.05, distribution: 'latest' });
