/**
 * Persistence for the reference KV: its whole state as one JSON file in the store's
 * directory, replaced atomically (temp file, fsync, rename) on close and read on open, so
 * the reopen cases can run against the model. A damaged file is CORRUPTION.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { TidekvError } from '@tidekv/core';
import type { Change } from './history.js';
import type { StoredLease } from './reference-leases.js';

export const REFERENCE_KV_FILE = 'reference-kv.json';

export interface ReferenceState {
  revision: number;
  compactRevision: number;
  changes: Change[];
  /** Live leases with their remaining TTL. */
  leases?: StoredLease[];
}

interface StoredChange {
  main: number;
  sub: number;
  tombstone: boolean;
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

export function writeReferenceState(dir: string, state: ReferenceState): void {
  const changes: StoredChange[] = state.changes.map(({ main, sub, tombstone, kv }) => ({
    main,
    sub,
    tombstone,
    key: b64(kv.key),
    value: b64(kv.value),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
  }));
  const body = JSON.stringify({ revision: state.revision, compactRevision: state.compactRevision, changes, leases: state.leases ?? [] });
  const text = JSON.stringify({ crc32: crc32(body), body });
  const path = join(dir, REFERENCE_KV_FILE);
  const bytes = Buffer.from(text);
  const fd = openSync(`${path}.tmp`, 'w');
  try {
    // A write can be short (a disk filling up): go on until every byte is written or one fails.
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
}

export function readReferenceState(dir: string): ReferenceState | undefined {
  const path = join(dir, REFERENCE_KV_FILE);
  if (!existsSync(path)) return undefined;
  const corrupt = (why: string) => new TidekvError('CORRUPTION', `${path}: ${why}`, { details: { path } });
  let outer: { crc32: number; body: string };
  try {
    outer = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw corrupt(`not a reference KV file (${(error as Error).message})`);
  }
  if (typeof outer.body !== 'string' || crc32(outer.body) !== outer.crc32) throw corrupt('checksum mismatch');
  const { revision, compactRevision, changes, leases } = JSON.parse(outer.body) as { revision: number; compactRevision: number; changes: StoredChange[]; leases?: StoredLease[] };
  return {
    revision,
    compactRevision,
    leases: leases ?? [],
    changes: changes.map((c) => ({
      main: c.main,
      sub: c.sub,
      tombstone: c.tombstone,
      kv: {
        key: unb64(c.key),
        value: unb64(c.value),
        createRevision: c.createRevision,
        modRevision: c.modRevision,
        version: c.version,
        lease: c.lease,
      },
    })),
  };
}
