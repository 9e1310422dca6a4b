/**
 * Whole-database file persistence for the reference engine: every keyspace is written to
 * one file, replaced atomically (temp file, fsync, rename, directory fsync), with a CRC32
 * over the contents so a damaged file is reported as CORRUPTION rather than misread.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { TidekvError, type Entry } from '@tidekv/core';
import { SortedTable } from './sorted-table.js';

const MAGIC = Buffer.from('TIDEKV-REF-1\n');

export function encodeImage(tables: ReadonlyMap<string, SortedTable>): Buffer {
  const parts: Buffer[] = [MAGIC];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const live = [...tables].filter(([, table]) => table.entries.length > 0);
  parts.push(u32(live.length));
  for (const [name, table] of live) {
    const nameBytes = Buffer.from(name, 'utf8');
    parts.push(u32(nameBytes.length), nameBytes, u32(table.entries.length));
    for (const [key, value] of table.entries) parts.push(u32(key.length), Buffer.from(key), u32(value.length), Buffer.from(value));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, u32(crc32(body))]);
}

export function decodeImage(file: Buffer, path: string): Map<string, SortedTable> {
  const corrupt = (why: string) => new TidekvError('CORRUPTION', `${path}: ${why}`, { details: { path } });
  if (file.length < MAGIC.length + 8 || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt('not a reference engine file');
  const body = file.subarray(0, file.length - 4);
  if (crc32(body) !== file.readUInt32BE(file.length - 4)) throw corrupt('checksum mismatch');
  let at = MAGIC.length;
  const u32 = () => {
    const n = body.readUInt32BE(at);
    at += 4;
    return n;
  };
  const take = (n: number) => {
    if (at + n > body.length) throw corrupt('truncated');
    const out = new Uint8Array(body.subarray(at, at + n)); // a copy, detached from the file buffer
    at += n;
    return out;
  };
  const tables = new Map<string, SortedTable>();
  for (let t = u32(); t > 0; t--) {
    const name = Buffer.from(take(u32())).toString('utf8');
    const entries: Entry[] = [];
    for (let n = u32(); n > 0; n--) {
      const key = take(u32());
      entries.push([key, take(u32())]);
    }
    tables.set(name, new SortedTable(entries));
  }
  return tables;
}

export function readImage(path: string): Map<string, SortedTable> {
  if (!existsSync(path)) return new Map();
  return decodeImage(readFileSync(path), path);
}

export function writeImageDurably(path: string, image: Buffer): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    for (let written = 0; written < image.length; ) written += writeSync(fd, image, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
