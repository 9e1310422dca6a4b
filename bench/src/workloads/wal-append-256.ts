/** wal-append-256: 256 concurrent appender(s), sync 'group' for the WAL, write + fdatasync per record raw. */
import { walAppend } from './wal/append.js';

export const walAppend256 = walAppend(256, 20);
