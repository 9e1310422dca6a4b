/**
 * The hashKV rule every KV implementation shares, so two stores fed the same operations
 * report the same hash: zlib's CRC-32 chained, in revision order, over every change at or
 * below `rev` that a read can still see or that history still needs: every change above
 * the compact revision, plus each key's latest change at or below it when that change is
 * a put (a tombstone at or below the compact revision is never hashed). Each contributes
 * its revision key (core's codec: 17 bytes, 18 for a tombstone) then encodeKeyValue(kv).
 */
import { crc32 } from 'node:zlib';
import { encodeKeyValue, encodeRevisionKey } from '@tidekv/core';
import type { History } from './history.js';

export function hashHistory(history: History, rev: number, compactRevision: number): number {
  const keptAtCompact = new Set(history.latestAt(compactRevision).filter((c) => !c.tombstone));
  let hash = 0;
  for (const change of history.changes) {
    if (change.main > rev) break;
    if (change.main <= compactRevision && !keptAtCompact.has(change)) continue;
    hash = crc32(encodeRevisionKey({ main: change.main, sub: change.sub }, change.tombstone), hash);
    hash = crc32(encodeKeyValue(change.kv), hash);
  }
  return hash;
}
