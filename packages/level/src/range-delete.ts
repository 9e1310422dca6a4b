/**
 * Turns a batch that contains delRange ops into a plain LevelDB batch of puts and deletes.
 *
 * LevelDB's WriteBatch has no range delete, so each delRange becomes one delete per key
 * currently in the range — read from the database — plus one per key an earlier put of the
 * same batch placed in the range (those are not in the database yet, and ops apply in
 * order). The cost is a scan of the range and one delete entry per key, all in one atomic
 * batch. The caller must keep other writes out while this runs (see WriteGate).
 */
import type { ResolvedWriteOp } from '@tidekv/core';
import type { StoredBounds } from './keyspace-prefix.js';
import type { KeyspaceRegistry, RegisteredKeyspace } from './keyspace-registry.js';
import { ITERATOR_HIGH_WATER_BYTES } from './reader.js';
import type { LevelDb, NativeOp } from './types.js';

const SCAN_CHUNK = 1000;

function contains(bounds: StoredBounds, key: Buffer): boolean {
  return Buffer.compare(key, bounds.gte) >= 0 && Buffer.compare(key, bounds.lt) < 0;
}

async function storedKeysIn(db: LevelDb, bounds: StoredBounds): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  const iterator = db.keys({ gte: bounds.gte, lt: bounds.lt, highWaterMarkBytes: ITERATOR_HIGH_WATER_BYTES });
  try {
    for (;;) {
      const chunk = (await iterator.nextv(SCAN_CHUNK)) as Buffer[];
      if (chunk.length === 0) return keys;
      for (const key of chunk) keys.push(key);
    }
  } finally {
    await iterator.close();
  }
}

export interface ExpandedBatch {
  ops: NativeOp[];
  /** Every keyspace the batch writes into. */
  touched: Set<RegisteredKeyspace>;
}

export async function expandRangeDeletes(
  db: LevelDb,
  registry: KeyspaceRegistry,
  ops: readonly ResolvedWriteOp[],
): Promise<ExpandedBatch> {
  const out: NativeOp[] = [];
  const touched = new Set<RegisteredKeyspace>();
  for (const op of ops) {
    const keyspace = registry.get(op.keyspace);
    const before = out.length;
    if (op.type === 'put') {
      out.push({ type: 'put', key: keyspace.wrap(op.key), value: op.value });
    } else if (op.type === 'del') {
      out.push({ type: 'del', key: keyspace.wrap(op.key) });
    } else {
      const bounds = keyspace.storedBounds(op.range);
      if (Buffer.compare(bounds.gte, bounds.lt) >= 0) continue;
      for (let i = 0; i < before; i++) {
        const previous = out[i]!;
        if (previous.type === 'put' && contains(bounds, previous.key)) out.push({ type: 'del', key: previous.key });
      }
      for (const key of await storedKeysIn(db, bounds)) out.push({ type: 'del', key });
    }
    if (out.length > before) touched.add(keyspace);
  }
  return { ops: out, touched };
}
