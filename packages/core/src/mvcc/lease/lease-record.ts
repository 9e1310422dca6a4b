/**
 * How a lease is stored in the `lease` keyspace: key = the id as 8 bytes big-endian; value =
 * the checksummed frame of layout.ts (`u32 crc32(key ++ body) ++ body`) around
 *
 *     offset  size  field
 *      0       1    format (1)
 *      1       8    granted TTL, seconds
 *      9       8    remaining TTL at the last checkpoint, ms (0 = the full TTL)
 *
 * The record is written at grant and by checkpoints, and deleted in the same engine write as
 * the revoke's deletes, so the `rev` and `lease` keyspaces always agree.
 */
import { readSafeU64BE, writeU64BE } from '../../codec/u64.js';
import { TidekvError } from '../../errors.js';
import { sealValue, unsealValue } from '../layout.js';
import type { LeaseRecord } from './lease.js';

const LEASE_RECORD_FORMAT = 1;
const BODY_BYTES = 17;

export function encodeLeaseKey(id: number): Uint8Array {
  const key = new Uint8Array(8);
  writeU64BE(key, 0, id);
  return key;
}

export function encodeLeaseRecord(record: LeaseRecord): [key: Uint8Array, value: Uint8Array] {
  const key = encodeLeaseKey(record.id);
  const body = new Uint8Array(BODY_BYTES);
  body[0] = LEASE_RECORD_FORMAT;
  writeU64BE(body, 1, record.ttl);
  writeU64BE(body, 9, record.remainingMs);
  return [key, sealValue(key, body)];
}

/** Decodes and verifies a `lease` keyspace entry; anything damaged is CORRUPTION naming the lease. */
export function decodeLeaseRecord(key: Uint8Array, stored: Uint8Array): LeaseRecord {
  const id = key.length === 8 ? readSafeU64BE(key, 0) : undefined;
  const body = unsealValue(key, stored);
  const ttl = body && body.length === BODY_BYTES && body[0] === LEASE_RECORD_FORMAT ? readSafeU64BE(body, 1) : undefined;
  const remainingMs = ttl !== undefined ? readSafeU64BE(body!, 9) : undefined;
  if (id === undefined || ttl === undefined || remainingMs === undefined) {
    throw new TidekvError('CORRUPTION', `MVCC store: the lease record ${id ?? Buffer.from(key).toString('hex')} is damaged`, { details: { lease: id, key } });
  }
  return { id, ttl, remainingMs };
}
