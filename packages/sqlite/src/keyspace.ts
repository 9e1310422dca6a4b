/** A live keyspace on the engine's main connection: each write is one commit of the writer. */
import { toHalfOpen, type KeyspacePrimitives, type NormalizedRange } from '@tidekv/core';
import { deleteRange } from './delete-range.js';
import type { ReadBurst } from './read-burst.js';
import { TableReads } from './reader.js';
import type { TableStatements } from './statements.js';
import type { Writer } from './writer.js';

interface KeyOp {
  statements: TableStatements;
  key: Uint8Array;
}

function putOne({ statements, key, value }: KeyOp & { value: Uint8Array }): void {
  statements.put.run(key, value);
}

function delOne({ statements, key }: KeyOp): void {
  statements.del.run(key);
}

/** The table's reads plus writes, each one commit; methods shared by every keyspace (see TableReads). */
export class TableKeyspace extends TableReads implements KeyspacePrimitives {
  readonly #writer: Writer;

  constructor(statements: TableStatements, burst: ReadBurst, writer: Writer) {
    super(statements, burst);
    this.#writer = writer;
  }

  put(key: Uint8Array, value: Uint8Array, sync: boolean): void {
    this.#writer.commit(putOne, { statements: this.statements, key, value }, sync, true);
  }

  del(key: Uint8Array, sync: boolean): void {
    this.#writer.commit(delOne, { statements: this.statements, key }, sync, true);
  }

  clear(range: NormalizedRange, sync: boolean): void {
    this.#writer.commit(deleteRange, { statements: this.statements, range: toHalfOpen(range) }, sync, true);
  }
}
