/**
 * Reads of one keyspace table: on the engine's connection (inside its read burst) for live
 * keyspaces, or on a snapshot's connection, which is already inside its own transaction.
 */
import { EMPTY_READS, toHalfOpen, type ChunkSource, type Entry, type ReadPrimitives } from '@tidekv/core';
import { PAGE_SIZE, PageReader } from './pages.js';
import type { ReadBurst } from './read-burst.js';
import type { TableStatements } from './statements.js';

/** Reads each page inside the connection's read burst (if any). */
class Pages implements ChunkSource {
  readonly #reader: PageReader;
  readonly #burst: ReadBurst | undefined;
  constructor(reader: PageReader, burst: ReadBurst | undefined) {
    this.#reader = reader;
    this.#burst = burst;
  }
  read(max: number): Entry[] {
    this.#burst?.enter();
    return this.#reader.read(max);
  }
}

/** `statements` undefined: the table does not exist in this view (a keyspace newer than a snapshot). */
export function sqliteReads(statements: TableStatements | undefined, burst: ReadBurst | undefined): ReadPrimitives {
  if (statements === undefined) return EMPTY_READS;
  return {
    get(key) {
      burst?.enter();
      return statements.get.get(key) as Uint8Array | undefined;
    },
    open: (range) => new Pages(new PageReader(statements, toHalfOpen(range), range.reverse), burst),
    chunkSize: PAGE_SIZE,
  };
}
