/**
 * @tidekv/conformance: the shared suite every tidekv storage engine must pass.
 *
 *   import { describeEngine } from '@tidekv/conformance';
 *   describeEngine({ name: 'mine', open: ({ dir }) => openMine({ path: dir }) });
 */
export { describeEngine, probeCapabilities, resolveOptions } from './describe-engine.js';
export { engineCases } from './cases/index.js';
export { runCase } from './run-case.js';
export type { Case, CaseContext, ResolvedOptions } from './case.js';
export type { CrashOptions, DescribeEngineOptions, EngineLocation, Pass } from './options.js';
export { PASSES } from './options.js';
export { referenceEngine, openReference, ReferenceEngine, type ReferenceEngineOptions } from './reference/reference-engine.js';
export { expectedRange, matchesRange } from './support/oracle.js';
export {
  validateWatch,
  assertWatchValid,
  watchSelects,
  type RecordedWatch,
  type WatchHistoryTruth,
  type WatchProperty,
  type WatchViolation,
} from './mvcc/watch-validators.js';
export { describeMvcc, describeMvccStoreOn } from './describe-mvcc.js';
export { mvccCases, SMALL_COMPACTION_BATCHES } from './mvcc-cases/index.js';
export { runMvccCase } from './run-mvcc-case.js';
export { resolveMvccOptions } from './validate-mvcc-options.js';
export type { MvccCase, MvccCaseContext } from './mvcc-case.js';
export type { DescribeMvccOptions, MvccCompactionBatches, MvccLocation, ResolvedMvccOptions } from './mvcc-options.js';
export { compactionOptions } from './mvcc-options.js';
export { ReferenceKV, openReferenceKV, DEFAULT_MAX_TXN_OPS, type ReferenceKVOptions } from './mvcc/reference-kv.js';
export { runSequence, type SequenceSubject } from './mvcc-model/run-sequence.js';
export { sequenceArb, stepArb, crashesEtcd, type Step, type StepOptions } from './mvcc-model/steps.js';
export { canonical, canonicalError, outcome, type Canonical } from './mvcc-model/canonical.js';
