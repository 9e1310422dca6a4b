/**
 * The CHECKPOINT file: the LSN up to which the log's records are applied elsewhere, plus
 * the idempotency ids at or below it still in the dedup window (their segments may be
 * deleted, and a restart must still recognise them). Replaced atomically (fs/replace-file.ts).
 * Layout: FORMAT.md.
 */
import { crc32 } from 'node:zlib';
import type { FileSystem } from '../fs/file-system.js';
import { replaceFile, tempPathOf } from '../fs/replace-file.js';
import { FORMAT_VERSION, MAX_ID_BYTES, readU64LE, writeU64LE } from './format.js';
import { readStateFile } from './state-file.js';

export const CHECKPOINT_FILE = 'CHECKPOINT';
export const CHECKPOINT_TEMP = tempPathOf(CHECKPOINT_FILE);
const MAGIC = Buffer.from('TIDEKVCP', 'latin1');
/** Far above any real window; bounds what a damaged file can make a reader allocate. */
const MAX_CHECKPOINT_BYTES = 1 << 30;

export interface CheckpointState {
  lsn: number;
  /** [id key (latin1), LSN], oldest first. */
  ids: Array<[string, number]>;
}

export function encodeCheckpoint(state: CheckpointState): Buffer {
  let size = 24 + 4;
  for (const [key] of state.ids) size += 12 + key.length;
  const buf = Buffer.alloc(size);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  buf.writeUInt32LE(state.ids.length, 12);
  writeU64LE(buf, 16, state.lsn);
  let at = 24;
  for (const [key, lsn] of state.ids) {
    writeU64LE(buf, at, lsn);
    buf.writeUInt32LE(key.length, at + 8);
    buf.write(key, at + 12, 'latin1');
    at += 12 + key.length;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, at)), at);
  return buf;
}

export function decodeCheckpoint(buf: Buffer): CheckpointState | undefined {
  if (buf.length < 28 || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return undefined;
  if (buf.readUInt32LE(8) !== FORMAT_VERSION) return undefined;
  const count = buf.readUInt32LE(12);
  const lsn = readU64LE(buf, 16);
  if (lsn < 0) return undefined;
  const ids: Array<[string, number]> = [];
  let at = 24;
  for (let i = 0; i < count; i++) {
    if (at + 12 > buf.length - 4) return undefined;
    const idLsn = readU64LE(buf, at);
    const length = buf.readUInt32LE(at + 8);
    if (idLsn < 1 || length === 0 || length > MAX_ID_BYTES || at + 12 + length > buf.length - 4) return undefined;
    ids.push([buf.toString('latin1', at + 12, at + 12 + length), idLsn]);
    at += 12 + length;
  }
  return at === buf.length - 4 ? { lsn, ids } : undefined;
}

/** The stored checkpoint; `lsn: 0` when there is none; CORRUPTION when it is damaged. */
export async function readCheckpoint(fileSystem: FileSystem, dir: string): Promise<CheckpointState> {
  return (await readStateFile(fileSystem, dir, CHECKPOINT_FILE, MAX_CHECKPOINT_BYTES, decodeCheckpoint)) ?? { lsn: 0, ids: [] };
}

/** Replaces the checkpoint crash-safely. `durable: false` skips the fsyncs (sync 'none'). */
export function writeCheckpoint(fileSystem: FileSystem, dir: string, state: CheckpointState, durable: boolean): Promise<void> {
  return replaceFile(fileSystem, dir, CHECKPOINT_FILE, encodeCheckpoint(state), durable);
}
