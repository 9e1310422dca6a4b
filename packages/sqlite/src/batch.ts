import { toHalfOpen, type ResolvedWriteOp } from '@tidekv/core';
import { deleteRange, deletesNothing } from './delete-range.js';
import type { TableStatements } from './statements.js';

/** A validated write() batch and, op by op, the statements of the table each op targets. */
export interface Batch {
  ops: ResolvedWriteOp[];
  tables: TableStatements[];
}

/** Runs a batch's ops in order; the caller wraps it in one transaction. */
export function applyBatch({ ops, tables }: Batch): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const statements = tables[i]!;
    if (op.type === 'put') statements.put.run(op.key, op.value);
    else if (op.type === 'del') statements.del.run(op.key);
    else if (!deletesNothing(op.range)) deleteRange({ statements, range: toHalfOpen(op.range) });
  }
}
