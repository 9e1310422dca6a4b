/**
 * Reads of one keyspace table: on the engine's connection (inside its read burst) for live
 * keyspaces, or on a snapshot's connection, which is already inside its own transaction.
 */
import { EMPTY_READS, type ChunkSource, type NormalizedRange, type ReadPrimitives } from '@tidekv/core';
import { PAGE_SIZE, PageReader } from './pages.js';
import type { ReadBurst } from './read-burst.js';
import type { TableStatements } from './statements.js';

/**
 * A class rather than an object of closures: every keyspace of every engine shares these
 * methods, so the template's call sites stay on one target, and compiled code never holds
 * a closure of an engine that has since closed (which V8 would deoptimize once it is collected).
 */
export class TableReads implements ReadPrimitives {
  readonly chunkSize = PAGE_SIZE;
  protected readonly statements: TableStatements;
  readonly #burst: ReadBurst | undefined;

  constructor(statements: TableStatements, burst: ReadBurst | undefined) {
    this.statements = statements;
    this.#burst = burst;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.#burst?.enter();
    return this.statements.get.get(key) as Uint8Array | undefined;
  }

  open(range: NormalizedRange): ChunkSource {
    return new PageReader(this.statements, this.#burst, range);
  }
}

/** `statements` undefined: the table does not exist in this view (a keyspace newer than a snapshot). */
export function sqliteReads(statements: TableStatements | undefined, burst: ReadBurst | undefined): ReadPrimitives {
  return statements === undefined ? EMPTY_READS : new TableReads(statements, burst);
}

