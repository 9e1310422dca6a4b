export type * from './types.js';
export {
  KEYSPACE_NAME_PATTERN,
  DEFAULT_KEYSPACE,
  assertKey,
  assertKeys,
  assertValue,
  assertKeyspaceName,
  assertWriteOptions,
  assertPositiveInteger,
  resolveWriteOps,
  type ResolvedWriteOp,
} from './validate.js';
export { describeValue } from './describe.js';
export {
  normalizeRange,
  aboveLower,
  belowUpper,
  inRange,
  toHalfOpen,
  type Bound,
  type NormalizedRange,
  type HalfOpenRange,
} from './range.js';
export { Lifecycle, type Closable } from './lifecycle.js';
export { ChunkedIterator, type ChunkSource, type ChunkedIteratorOptions } from './chunked-iterator.js';
