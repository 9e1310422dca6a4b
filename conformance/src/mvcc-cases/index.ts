import type { MvccCase } from '../mvcc-case.js';
import { revisionCases } from './revisions.js';
import { rangeCases } from './range.js';
import { putDeleteCases } from './put-delete.js';
import { txnCases } from './txn.js';
import { compactionCases } from './compaction.js';
import { hashCases } from './hash.js';
import { bytesCases } from './bytes.js';
import { badInputCases } from './bad-input.js';
import { lifecycleCases } from './lifecycle.js';
import { reopenCases } from './reopen.js';
import { modelCases } from './model.js';
import { watchCases } from './watch.js';
import { leaseCases } from './lease.js';

/**
 * Every MVCC case, in registration order. The list is the same for every store: cases a
 * store cannot run are skipped (with the reason) by their `skip` function, never left out.
 */
export function mvccCases(): MvccCase[] {
  return [
    ...revisionCases,
    ...rangeCases,
    ...putDeleteCases,
    ...txnCases,
    ...compactionCases,
    ...hashCases,
    ...bytesCases,
    ...badInputCases,
    ...lifecycleCases,
    ...reopenCases,
    ...watchCases,
    ...leaseCases,
    ...modelCases,
  ];
}
