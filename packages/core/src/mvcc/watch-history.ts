/**
 * The store's history as watch reads it: the `rev` keyspace in revision order, decoded into
 * watch events. Because revision keys sort by (main, sub), revisions from..to are one range
 * scan; it is read in chunks and stopped only at a revision boundary, so a batch never
 * splits a revision.
 */
import type { Keyspace } from '../engine/types.js';
import { encodeRevisionKey } from '../codec/revision-key.js';
import type { KeyValue, WatchEvent } from './kv.js';
import { decodeRevisionRecord } from './layout.js';

/** Entries per engine read: enough for the rest of the batch (and the one after it that shows its last revision ended), within bounds. */
const MIN_CHUNK = 64;
const MAX_CHUNK = 1024;
const EMPTY = new Uint8Array(0);

/** One stored change as a watch event: a put's KeyValue, or etcd's delete shape `{ key, modRevision }`. */
export function changeToEvent(revision: number, tombstone: boolean, kv: KeyValue): WatchEvent {
  if (!tombstone) return { type: 'put', kv };
  return { type: 'delete', kv: { key: kv.key, value: EMPTY, createRevision: 0, modRevision: revision, version: 0, lease: 0 } };
}

/**
 * The events of revisions from..to inclusive, in order, whole revisions only: reading stops
 * after the first revision that brings the count to `maxEvents` or more. `through` is the
 * last revision covered (`to` when the scan got there).
 */
export async function readRevisionEvents(rev: Keyspace, from: number, to: number, maxEvents: number): Promise<{ events: WatchEvent[]; through: number }> {
  const events: WatchEvent[] = [];
  const iterator = rev.iterate({ gte: encodeRevisionKey({ main: from, sub: 0 }), lt: encodeRevisionKey({ main: to + 1, sub: 0 }) });
  try {
    for (;;) {
      // One engine read for the whole batch where it can: on an engine that reads on
      // another thread each read is a round trip, and a batch in 256-entry reads took four.
      const entries = await iterator.nextv(Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, maxEvents - events.length + 1)));
      if (entries.length === 0) return { events, through: to };
      for (const [key, value] of entries) {
        const record = decodeRevisionRecord(key, value);
        const main = record.revision.main;
        // Full and at a revision boundary: everything up to the previous revision is complete.
        if (events.length >= maxEvents && main !== events.at(-1)!.kv.modRevision) return { events, through: main - 1 };
        events.push(changeToEvent(main, record.tombstone, record.kv));
      }
    }
  } finally {
    await iterator.close();
  }
}
