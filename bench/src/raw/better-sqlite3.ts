/**
 * Raw SQLite baseline: better-sqlite3 used directly: one WITHOUT ROWID table with a BLOB
 * primary key (memcmp order), WAL journal mode, prepared statements, one transaction per
 * batch, reads inside one read transaction, keyset pagination for scans.
 * Non-durable rows use synchronous=NORMAL (commits reach the WAL file, fsynced at
 * checkpoints); durable rows use synchronous=FULL (fsync per commit).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { BatchOp, Cursor, KvDriver, OpenOptions, ScanOptions, Visit } from '../driver.js';
import { libraryBaseline } from './library-baseline.js';

type Row = [Buffer, Buffer];

async function openSqliteRaw({ dir, durable }: OpenOptions): Promise<KvDriver> {
  const db = new Database(join(dir, 'bench.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
  db.exec('CREATE TABLE kv (k BLOB PRIMARY KEY NOT NULL, v BLOB NOT NULL) WITHOUT ROWID');

  const getStmt = db.prepare<[Uint8Array], Buffer>('SELECT v FROM kv WHERE k = ?').pluck();
  const putStmt = db.prepare<[Uint8Array, Uint8Array]>('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
  const delStmt = db.prepare<[Uint8Array]>('DELETE FROM kv WHERE k = ?');
  const page = {
    first: db.prepare<[number], Row>('SELECT k, v FROM kv ORDER BY k LIMIT ?').raw(),
    from: db.prepare<[Uint8Array, number], Row>('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?').raw(),
    after: db.prepare<[Uint8Array, number], Row>('SELECT k, v FROM kv WHERE k > ? ORDER BY k LIMIT ?').raw(),
    lastFirst: db.prepare<[number], Row>('SELECT k, v FROM kv ORDER BY k DESC LIMIT ?').raw(),
    to: db.prepare<[Uint8Array, number], Row>('SELECT k, v FROM kv WHERE k <= ? ORDER BY k DESC LIMIT ?').raw(),
    before: db.prepare<[Uint8Array, number], Row>('SELECT k, v FROM kv WHERE k < ? ORDER BY k DESC LIMIT ?').raw(),
  };
  const writeBatch = db.transaction((ops: readonly BatchOp[]) => {
    for (const op of ops) {
      if (op.type === 'put') putStmt.run(op.key, op.value);
      else delStmt.run(op.key);
    }
  });

  function keysetCursor(options: ScanOptions): Cursor {
    const reverse = options.reverse ?? false;
    let remaining = options.limit ?? Infinity;
    let last: Uint8Array | undefined;
    const bound = reverse ? options.lte : options.gte;
    return {
      read(max: number, visit: Visit) {
        const want = Math.min(max, remaining);
        if (want <= 0) return 0;
        let rows: Row[];
        if (last) rows = (reverse ? page.before : page.after).all(last, want);
        else if (bound) rows = (reverse ? page.to : page.from).all(bound, want);
        else rows = (reverse ? page.lastFirst : page.first).all(want);
        for (const [key, value] of rows) visit(key, value);
        if (rows.length > 0) last = rows[rows.length - 1]![0];
        remaining -= rows.length;
        return rows.length;
      },
      close: () => undefined,
    };
  }

  return {
    getSync: (key) => getStmt.get(key),
    get: (key) => Promise.resolve(getStmt.get(key)),
    beginReads: () => void db.exec('BEGIN'),
    endReads: () => void db.exec('COMMIT'),
    put: (key, value) => void putStmt.run(key, value),
    del: (key) => void delStmt.run(key),
    write: (ops) => writeBatch(ops),
    cursor: keysetCursor,
    close: async () => void db.close(),
  };
}

export const betterSqlite3Raw = libraryBaseline(
  'better-sqlite3',
  'WAL mode, prepared statements, transaction per batch, one read txn for reads, keyset scans; synchronous=NORMAL, FULL when durable',
  openSqliteRaw,
);
