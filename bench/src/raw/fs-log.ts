/**
 * Raw log baseline: an append-only file written with plain `fs`, one positional write per
 * record followed by one fdatasync (no group commit: each record pays its own sync, however
 * many writers are waiting). Records are [u32 length][u32 crc32][payload], like a real log,
 * and replay reads the file in 1 MiB chunks and verifies every checksum.
 */
import { closeSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { LogDriver, OpenOptions, Subject } from '../driver.js';
import { ValidationError } from '../validation.js';

const HEADER = 8;
const READ_CHUNK = 1 << 20;

export function openFsLog({ dir, durable }: OpenOptions): Promise<LogDriver> {
  const fd = openSync(join(dir, 'raw.log'), 'w+');
  let position = 0;
  let closed = false;
  return Promise.resolve({
    append(payload: Uint8Array) {
      const record = Buffer.allocUnsafe(HEADER + payload.length);
      record.writeUInt32LE(payload.length, 0);
      record.writeUInt32LE(crc32(payload), 4);
      record.set(payload, HEADER);
      writeSync(fd, record, 0, record.length, position);
      position += record.length;
      if (durable) fdatasyncSync(fd);
    },
    async replay(visit: (payload: Uint8Array) => void) {
      let buffer = Buffer.allocUnsafe(READ_CHUNK);
      let filled = 0;
      let offset = 0;
      let count = 0;
      for (;;) {
        const read = readSync(fd, buffer, filled, buffer.length - filled, offset);
        offset += read;
        filled += read;
        let at = 0;
        while (filled - at >= HEADER) {
          const length = buffer.readUInt32LE(at);
          if (filled - at < HEADER + length) break;
          const payload = buffer.subarray(at + HEADER, at + HEADER + length);
          if (crc32(payload) !== buffer.readUInt32LE(at + 4)) throw new ValidationError(`raw log checksum mismatch at record ${count}`);
          visit(payload);
          count++;
          at += HEADER + length;
        }
        if (read === 0) {
          if (at !== filled) throw new ValidationError(`raw log ends with ${filled - at} bytes of a torn record`);
          return count;
        }
        // Keep the partial record at the front; grow when one record exceeds the buffer.
        const rest = buffer.subarray(at, filled);
        const next = rest.length * 2 > buffer.length ? Buffer.allocUnsafe(buffer.length * 2) : buffer;
        rest.copy(next, 0);
        buffer = next;
        filled = rest.length;
      }
    },
    async close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  });
}

export const fsLogRaw: Subject<LogDriver> = {
  variant: 'raw',
  role: 'primary',
  label: 'fs log file',
  note: 'one positional write + one fdatasync per record when durable (no group commit); replay reads 1 MiB chunks and checks every crc32',
  open: openFsLog,
};
