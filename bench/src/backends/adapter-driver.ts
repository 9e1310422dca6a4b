/**
 * The adapter side: a StorageEngine driven through the tidekv contract, on the fastest path
 * the engine offers (a keyspace's getSync whenever it has one, as the MVCC store reads; one
 * batched `write`; iterators read in `nextv` chunks).
 */
import { join } from 'node:path';
import { retainHiddenClass, type StorageEngine, type EntryIterator } from '@tidekv/core';
import type { BatchOp, Cursor, KvDriver, ScanOptions, Visit } from '../driver.js';

const SYNC = { sync: true } as const;

class IteratorCursor implements Cursor {
  constructor(private readonly iterator: EntryIterator) {}

  async read(max: number, visit: Visit): Promise<number> {
    const entries = await this.iterator.nextv(max);
    for (const [key, value] of entries) visit(key, value);
    return entries.length;
  }

  close(): Promise<void> {
    return this.iterator.close();
  }
}

// A cursor is made and dropped per seek; one idle instance keeps its class's hidden class
// across the full GC before every run (see core's retainHiddenClass), as the raw drivers'
// object-literal cursors keep theirs.
retainHiddenClass(new IteratorCursor(undefined as never));

/**
 * `dir`: the run's directory, where MVCC workloads keep their WAL (in `mvcc-wal/`);
 * `reopen` opens the same engine again.
 */
export function engineDriver(engine: StorageEngine, dir?: string, reopen?: () => Promise<StorageEngine>): KvDriver {
  const keyspace = engine.keyspace('default');
  // getSync, not capabilities.syncReads: LevelDB offers a synchronous get but no synchronous
  // scan, so it declares syncReads false while every keyspace still has getSync. The raw
  // side reads with classic-level's getSync, so the adapter's must be the same call.
  const getSync = typeof keyspace.getSync === 'function' ? keyspace.getSync.bind(keyspace) : undefined;
  return {
    ...(dir !== undefined && reopen !== undefined && { mvcc: { engine, walDir: join(dir, 'mvcc-wal'), reopen } }),
    getSync,
    get: (key) => keyspace.get(key),
    put: (key, value, sync) => keyspace.put(key, value, sync ? SYNC : undefined),
    del: (key, sync) => keyspace.del(key, sync ? SYNC : undefined),
    write: (ops: readonly BatchOp[], sync) => engine.write(ops, sync ? SYNC : undefined),
    // A workload's ScanOptions ({ gte?, lte?, reverse?, limit? }) is a Range as it stands.
    cursor: (options: ScanOptions) => new IteratorCursor(keyspace.iterate(options)),
    close: () => engine.close(),
  };
}
