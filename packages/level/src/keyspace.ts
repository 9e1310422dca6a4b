/**
 * A live keyspace: the reads of reader.ts plus writes, which go through the engine's writer so
 * that every write shares its ordering and durability bookkeeping.
 */
import type { KeyspacePrimitives } from '@tidekv/core';
import type { RegisteredKeyspace } from './keyspace-registry.js';
import { levelReads } from './reader.js';
import type { LevelDb } from './types.js';
import type { LevelWriter } from './writer.js';

export function levelKeyspace(db: LevelDb, keyspace: RegisteredKeyspace, writer: LevelWriter): KeyspacePrimitives {
  return {
    ...levelReads(db, keyspace, undefined),
    put: (key, value, sync) => writer.put(keyspace, key, value, sync),
    del: (key, sync) => writer.del(keyspace, key, sync),
    clear: (range, sync) => writer.write([{ type: 'delRange', keyspace: keyspace.name, range }], sync),
  };
}
