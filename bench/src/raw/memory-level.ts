/**
 * Raw in-memory baseline: memory-level (the Level ecosystem's in-memory store) used directly:
 * getSync, one `batch` per batch, iterators read with nextv.
 */
import { MemoryLevel } from 'memory-level';
import type { Cursor, KvDriver, Subject, Visit } from '../driver.js';
import { libraryVersion } from '../versions.js';

type Db = MemoryLevel<Buffer, Buffer>;

/** The part of an abstract-level iterator a scan uses. */
interface LevelIterator {
  nextv(size: number): Promise<[Buffer, Buffer][]>;
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

async function openMemoryLevel(): Promise<KvDriver> {
  const db: Db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return {
    getSync: (key) => db.getSync(key as Buffer),
    get: (key) => db.get(key as Buffer),
    put: (key, value) => db.put(key as Buffer, value as Buffer),
    del: (key) => db.del(key as Buffer),
    write: (ops) => db.batch(ops as never),
    cursor: (options) =>
      levelCursor(
        db.iterator({
          ...(options.gte && { gte: options.gte as Buffer }),
          ...(options.lte && { lte: options.lte as Buffer }),
          reverse: options.reverse ?? false,
          limit: options.limit ?? -1,
        }),
      ),
    close: () => db.close(),
  };
}

export const memoryLevelRaw: Subject<KvDriver> = {
  variant: 'raw',
  role: 'primary',
  label: `memory-level ${libraryVersion('memory-level')}`,
  note: 'getSync, batch, iterator nextv; nothing is durable',
  open: openMemoryLevel,
};
