/** A live keyspace on the engine's main connection: each write is one commit of the writer. */
import { toHalfOpen, type KeyspacePrimitives } from '@tidekv/core';
import { deleteRange } from './delete-range.js';
import type { ReadBurst } from './read-burst.js';
import { sqliteReads } from './reader.js';
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

export function sqliteKeyspace(statements: TableStatements, burst: ReadBurst, writer: Writer): KeyspacePrimitives {
  return {
    ...sqliteReads(statements, burst),
    put: (key, value, sync) => writer.commit(putOne, { statements, key, value }, sync, true),
    del: (key, sync) => writer.commit(delOne, { statements, key }, sync, true),
    clear: (range, sync) => writer.commit(deleteRange, { statements, range: toHalfOpen(range) }, sync, true),
  };
}
