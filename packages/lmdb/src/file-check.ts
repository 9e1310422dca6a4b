/**
 * A header check run before lmdb-js opens an existing environment. LMDB trusts its file:
 * lmdb-js crashes the process (SIGSEGV) on a data file that is not LMDB's, and on a file
 * shorter than its meta pages say (SIGBUS, e.g. a truncated copy). Both are recognisable
 * from the meta pages, so they fail CORRUPTION here instead. Damage inside the B-tree
 * pages is not detectable this way (LMDB keeps no page checksums).
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { TidekvError } from '@tidekv/core';

const DATA_FILE = 'data.mdb';
/** Page header: page number (8), txn id (8), pad (2), flags (2), lower/upper (4). */
const PAGE_HEADER = 24;
const P_META = 0x08;
const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
/** Offsets inside MDB_meta: magic 0, version 4, psize (mm_dbs[0].md_pad) 24, last page 120. */
const META_VERSION = 4;
const META_PSIZE = 24;
const META_LAST_PAGE = 120;
const META_BYTES = META_LAST_PAGE + 8;

function corrupt(file: string, why: string): TidekvError {
  return new TidekvError('CORRUPTION', `lmdb: ${file} is not a usable LMDB data file: ${why}`, { details: { file } });
}

/** The last page a meta page records, or undefined if `offset` holds no valid meta. */
function lastPageAt(header: Buffer, offset: number): bigint | undefined {
  if (header.length < offset + PAGE_HEADER + META_BYTES) return undefined;
  const meta = offset + PAGE_HEADER;
  if (header.readUInt32LE(meta) !== MDB_MAGIC) return undefined;
  return header.readBigUInt64LE(meta + META_LAST_PAGE);
}

/** Throws CORRUPTION if `dir` holds a data file LMDB would crash on; a missing or empty file is fine. */
export function checkDataFile(dir: string): void {
  const file = join(dir, DATA_FILE);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return; // no file yet (or unreadable: LMDB reports that itself)
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return; // LMDB initialises an empty file
    const first = Buffer.alloc(PAGE_HEADER + META_BYTES);
    if (readSync(fd, first, 0, first.length, 0) < first.length) throw corrupt(file, `only ${size} bytes`);
    if ((first.readUInt16LE(18) & P_META) === 0) throw corrupt(file, 'page 0 is not a meta page');
    if (first.readUInt32LE(PAGE_HEADER) !== MDB_MAGIC) throw corrupt(file, 'bad magic number');
    const version = first.readUInt32LE(PAGE_HEADER + META_VERSION) & 0xffff;
    if (version !== MDB_DATA_VERSION) throw corrupt(file, `data format version ${version}, expected ${MDB_DATA_VERSION}`);
    const psize = first.readUInt32LE(PAGE_HEADER + META_PSIZE);
    if (psize < 512 || psize > 65536 || (psize & (psize - 1)) !== 0) throw corrupt(file, `implausible page size ${psize}`);
    if (size < 2 * psize) throw corrupt(file, `${size} bytes is shorter than its two meta pages`);
    // Meta pages sit at 0 and psize (and psize/2 with lmdb-js's overlapping sync).
    const metas = Buffer.alloc(2 * psize);
    readSync(fd, metas, 0, metas.length, 0);
    let lastPage = 0n;
    for (const offset of [0, psize >> 1, psize]) {
      const last = lastPageAt(metas, offset);
      if (last !== undefined && last > lastPage) lastPage = last;
    }
    const needed = (lastPage + 1n) * BigInt(psize);
    if (BigInt(size) < needed) throw corrupt(file, `truncated: ${size} bytes, its meta page needs ${needed}`);
  } finally {
    closeSync(fd);
  }
}
