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
