export { BaseEngine, toIoError } from './engine.js';
export { EngineReader, type ReadContext } from './reader.js';
export { EngineKeyspace, type WriteContext } from './keyspace.js';
export { EngineSnapshot } from './snapshot.js';
export { WriteGuard, type ToError } from './write-guard.js';
export {
  EMPTY_READS,
  EMPTY_SOURCE,
  type ReadPrimitives,
  type WritePrimitives,
  type KeyspacePrimitives,
  type SnapshotPrimitives,
} from './primitives.js';
