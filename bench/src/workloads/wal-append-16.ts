/** wal-append-16: 16 concurrent appender(s), sync 'group' for the WAL, write + fdatasync per record raw. */
import { walAppend } from './wal/append.js';

export const walAppend16 = walAppend(16, 50);
