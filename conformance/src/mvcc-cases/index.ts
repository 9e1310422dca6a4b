import type { MvccCase } from '../mvcc-case.js';
import { revisionCases } from './revisions.js';
import { rangeCases } from './range.js';
import { putDeleteCases } from './put-delete.js';
import { txnCases } from './txn.js';
import { compactionCases } from './compaction.js';
import { compactionInterleavedCases } from './compaction-interleaved.js';
import { hashCases } from './hash.js';
import { bytesCases } from './bytes.js';
import { badInputCases } from './bad-input.js';
import { lifecycleCases } from './lifecycle.js';
import { reopenCases } from './reopen.js';
import { modelCase, modelCases } from './model.js';
import { fullDiskCases } from './full-disk.js';
import { watchCases } from './watch.js';
import { leaseCases } from './lease.js';

/**
 * The small-batch variant: a physical removal of 3 revisions per batch with a 1 ms pause, so
 * the compaction cases' removals span many batches with writes, reads and close() between
 * them (the default, 1000 per batch, finishes most of them in one).
 */
export const SMALL_COMPACTION_BATCHES = Object.freeze({ batchSize: 3, pauseMs: 1 });
const SMALL_BATCHES_SUFFIX = ' (compaction in batches of 3)';

function inSmallBatches(cases: readonly MvccCase[]): MvccCase[] {
  return cases.map((c) => ({ ...c, group: 'compaction in small batches', name: `${c.name}${SMALL_BATCHES_SUFFIX}`, compaction: SMALL_COMPACTION_BATCHES }));
}

/** The model-based sequences (they compact too) with small batches: a fifth of the runs. */
const smallBatchModelCase = modelCase('random operation sequences answer exactly as the reference model', 'MVCC model, small compaction batches', (options) =>
  Math.max(1, Math.ceil(options.modelRuns / 5)),
);

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
    ...compactionInterleavedCases,
    ...hashCases,
    ...bytesCases,
    ...badInputCases,
    ...lifecycleCases,
    ...reopenCases,
    ...fullDiskCases,
    ...watchCases,
    ...leaseCases,
    ...modelCases,
    ...inSmallBatches([...compactionCases, ...compactionInterleavedCases, smallBatchModelCase]),
  ];
}
