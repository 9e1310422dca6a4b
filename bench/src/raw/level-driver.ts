/**
 * The driver both Level-family baselines (classic-level, memory-level) share: they expose
 * the same abstract-level calls, used through their fastest idiomatic paths: getSync for
 * reads, one `batch` per batch, iterators read with nextv.
 */
import type { Cursor, KvDriver, Visit } from '../driver.js';

/** The part of an abstract-level iterator a scan uses. */
interface LevelIterator {
  nextv(size: number): Promise<[Buffer, Buffer][]>;
  close(): Promise<void>;
}

/** The part of an abstract-level database the workloads use. */
export interface LevelDb {
  getSync(key: Buffer): Buffer | undefined;
  get(key: Buffer): Promise<Buffer | undefined>;
  put(key: Buffer, value: Buffer, options: { sync?: boolean }): Promise<void>;
  del(key: Buffer, options: { sync?: boolean }): Promise<void>;
  batch(ops: never, options: { sync?: boolean }): Promise<void>;
  iterator(options: Record<string, unknown>): LevelIterator;
  close(): Promise<void>;
}

function levelCursor(iterator: LevelIterator): Cursor {
  return {
    async read(max: number, visit: Visit) {
      const entries = await iterator.nextv(max);
      for (const [key, value] of entries) visit(key, value);
      return entries.length;
    },
    close: () => iterator.close(),
  };
}

const SYNC = { sync: true };
const NO_SYNC = {};

/** `iteratorOptions` are added to every iterator (e.g. classic-level's highWaterMarkBytes). */
export function levelDriver(db: LevelDb, iteratorOptions: Record<string, unknown> = {}): KvDriver {
  return {
    getSync: (key) => db.getSync(key as Buffer),
    get: (key) => db.get(key as Buffer),
    put: (key, value, sync) => db.put(key as Buffer, value as Buffer, sync ? SYNC : NO_SYNC),
    del: (key, sync) => db.del(key as Buffer, sync ? SYNC : NO_SYNC),
    write: (ops, sync) => db.batch(ops as never, sync ? SYNC : NO_SYNC),
    cursor: (options) =>
      levelCursor(
        db.iterator({
          ...(options.gte && { gte: options.gte }),
          ...(options.lte && { lte: options.lte }),
          reverse: options.reverse ?? false,
          limit: options.limit ?? -1,
          ...iteratorOptions,
        }),
      ),
    close: () => db.close(),
  };
}
