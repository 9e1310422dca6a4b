/**
 * Reads of one keyspace table: on the engine's connection (inside its read burst) for live
 * keyspaces, or on a snapshot's connection, which is already inside its own transaction.
 */
import { EMPTY_READS, type ReadPrimitives } from '@tidekv/core';
import { PAGE_SIZE, PageReader } from './pages.js';
import type { ReadBurst } from './read-burst.js';
import type { TableStatements } from './statements.js';

/** `statements` undefined: the table does not exist in this view (a keyspace newer than a snapshot). */
export function sqliteReads(statements: TableStatements | undefined, burst: ReadBurst | undefined): ReadPrimitives {
  if (statements === undefined) return EMPTY_READS;
  return {
    get(key) {
      burst?.enter();
      return statements.get.get(key) as Uint8Array | undefined;
    },
    open: (range) => new PageReader(statements, burst, range),
    chunkSize: PAGE_SIZE,
  };
}
