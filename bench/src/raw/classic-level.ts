/**
 * Raw LevelDB baseline: classic-level used directly, through its fastest idiomatic calls:
 * getSync for reads, one `batch` per batch, iterators read with nextv.
 */
import { ClassicLevel } from 'classic-level';
import type { Cursor, KvDriver, OpenOptions, Subject, Visit } from '../driver.js';
import { libraryVersion } from '../versions.js';

type Db = ClassicLevel<Buffer, Buffer>;

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

async function openClassicLevel({ dir }: OpenOptions): Promise<KvDriver> {
  const db: Db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const syncOption = { sync: true };
  return {
    getSync: (key) => db.getSync(key as Buffer),
    get: (key) => db.get(key as Buffer),
    put: (key, value, sync) => db.put(key as Buffer, value as Buffer, sync ? syncOption : {}),
    del: (key, sync) => db.del(key as Buffer, sync ? syncOption : {}),
    write: (ops, sync) => db.batch(ops as never, sync ? syncOption : {}),
    cursor: (options) =>
      levelCursor(
        db.iterator({
          ...(options.gte && { gte: options.gte as Buffer }),
          ...(options.lte && { lte: options.lte as Buffer }),
          reverse: options.reverse ?? false,
          limit: options.limit ?? -1,
          // The default (16 KiB) would cut each nextv(1000) of ~116-byte entries into several
          // native calls; 1 MiB lets one call fill the chunk.
          highWaterMarkBytes: 1 << 20,
        }),
      ),
    close: () => db.close(),
  };
}

export const classicLevelRaw: Subject<KvDriver> = {
  variant: 'raw',
  role: 'primary',
  label: `classic-level ${libraryVersion('classic-level')}`,
  note: 'getSync, batch, iterator nextv with a 1 MiB highWaterMarkBytes; sync writes pass { sync: true }',
  open: openClassicLevel,
};
