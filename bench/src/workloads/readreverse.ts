/** readreverse: one reverse scan over all n entries, read in chunks of 1000. */
import { fullScan } from './full-scan.js';

export const readreverse = fullScan('readreverse', true);
