/**
 * Raw LMDB baseline: lmdb-js used directly, through its fastest idiomatic calls: getBinary
 * for reads, one transactionSync per batch, putSync for single writes (an awaited `put`
 * waits for a commit and is far slower), getRange for scans. Non-durable rows open the
 * environment with noSync; durable rows keep LMDB's fsync per commit.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Cursor, KvDriver, OpenOptions, ScanOptions, Visit } from '../driver.js';
import { libraryBaseline } from './library-baseline.js';

function rangeCursor(db: Database<Buffer, Buffer>, options: ScanOptions): Cursor {
  const reverse = options.reverse ?? false;
  const start = reverse ? options.lte : options.gte;
  const iterator = db
    .getRange({
      ...(start && { start: start as Buffer }),
      reverse,
      ...(options.limit !== undefined && { limit: options.limit }),
    })
    [Symbol.iterator]();
  return {
    read(max: number, visit: Visit) {
      let count = 0;
      while (count < max) {
        const next = iterator.next();
        if (next.done) break;
        visit(next.value.key, next.value.value);
        count++;
      }
      return count;
    },
    close: () => void iterator.return?.(),
  };
}

async function openLmdbRaw({ dir, durable }: OpenOptions): Promise<KvDriver> {
  const db: RootDatabase<Buffer, Buffer> = open<Buffer, Buffer>({
    path: dir,
    keyEncoding: 'binary',
    encoding: 'binary',
    noSync: !durable,
  });
  return {
    getSync: (key) => db.getBinary(key as Buffer),
    get: (key) => Promise.resolve(db.getBinary(key as Buffer)),
    put: (key, value) => void db.putSync(key as Buffer, value as Buffer),
    del: (key) => void db.removeSync(key as Buffer),
    write: (ops) =>
      db.transactionSync(() => {
        for (const op of ops) {
          if (op.type === 'put') db.putSync(op.key as Buffer, op.value as Buffer);
          else db.removeSync(op.key as Buffer);
        }
      }),
    cursor: (options) => rangeCursor(db, options),
    close: () => db.close(),
  };
}

export const lmdbRaw = libraryBaseline('lmdb', 'getBinary, transactionSync, putSync, getRange; noSync unless durable', openLmdbRaw);
