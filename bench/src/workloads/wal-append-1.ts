/** wal-append-1: 1 concurrent appender(s), sync 'group' for the WAL, write + fdatasync per record raw. */
import { walAppend } from './wal/append.js';

export const walAppend1 = walAppend(1, 200);
