import type { Case } from '../case.js';
import { crudCases } from './crud.js';
import { binaryKeyCases } from './binary-keys.js';
import { orderCases } from './order.js';
import { rangeMatrixCases } from './range-matrix.js';
import { iteratorCases } from './iterator.js';
import { atomicWriteCases } from './atomic-write.js';
import { deleteRangeCases } from './delete-range.js';
import { keyspaceCases } from './keyspaces.js';
import { writeDuringIterationCases } from './write-during-iteration.js';
import { snapshotCases } from './snapshots.js';
import { persistenceCases } from './persistence.js';
import { lifecycleCases } from './lifecycle.js';
import { badInputCases } from './bad-input.js';
import { misuseCases } from './misuse.js';
import { limitCases } from './limits.js';
import { capabilityCases } from './capabilities.js';
import { modelCases } from './model.js';
import { crashCases } from './crash.js';
import { fullDiskCases } from './full-disk.js';
import { lockCases } from './lock.js';
import { siblingCases } from './siblings.js';
import { sizeCases } from './sizes.js';
import { structureCases } from './structure.js';
import { structureModelCases } from './structure-model.js';

/**
 * Every engine case, in registration order. The list is the same for every engine: cases an
 * engine cannot run are skipped (with the reason) by their `skip` function, never left out.
 */
export function engineCases(): Case[] {
  return [
    ...crudCases,
    ...binaryKeyCases,
    ...orderCases,
    ...rangeMatrixCases,
    ...iteratorCases,
    ...atomicWriteCases,
    ...deleteRangeCases,
    ...keyspaceCases,
    ...writeDuringIterationCases,
    ...snapshotCases,
    ...persistenceCases,
    ...lockCases,
    ...siblingCases,
    ...lifecycleCases,
    ...badInputCases,
    ...misuseCases,
    ...limitCases,
    ...sizeCases,
    ...structureCases,
    ...structureModelCases,
    ...capabilityCases,
    ...modelCases,
    ...crashCases,
    ...fullDiskCases,
  ];
}
