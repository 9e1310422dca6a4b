/** WAL appends with 1, 16 and 256 concurrent appenders (sync 'group' for the WAL, write + fdatasync per record raw). */
import { walAppend } from './wal/append.js';

export const walAppend1 = walAppend(1, 200);
export const walAppend16 = walAppend(16, 50);
export const walAppend256 = walAppend(256, 20);
