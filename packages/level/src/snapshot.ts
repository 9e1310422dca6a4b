/** A consistent read view over every keyspace, backed by one LevelDB snapshot. */
import type { SnapshotPrimitives } from '@tidekv/core';
import type { KeyspaceRegistry } from './keyspace-registry.js';
import { LevelReads } from './reader.js';
import type { LevelDb } from './types.js';

export function levelSnapshot(db: LevelDb, registry: KeyspaceRegistry): SnapshotPrimitives {
  const native = db.snapshot();
  const readOptions = { snapshot: native, keyEncoding: 'view', valueEncoding: 'view' } as const;
  return {
    view: (name) => new LevelReads(db, registry.get(name), readOptions),
    release: () => native.close(),
  };
}
