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
export { describeValue } from '../errors.js';
export { realByteLength } from './byte-input.js';
export {
  optionsObject,
  integerOption,
  numberOption,
  oneOfOption,
  booleanOption,
  pathOption,
  type OptionBag,
} from './options.js';
export { engineFactory } from './factory.js';
export * from './template/index.js';
export {
  normalizeRange,
  normalizeIterateRange,
  normalizeDeleteRange,
  type NormalizedIterateRange,
  aboveLower,
  belowUpper,
  inRange,
  toHalfOpen,
  halfOpenStart,
  halfOpenEnd,
  type Bound,
  type NormalizedRange,
  type HalfOpenRange,
} from './range.js';
export { Lifecycle, type Closable } from './lifecycle.js';
export { retainHiddenClass } from './hidden-class.js';
export { ChunkedIterator, MAX_READ_CHUNK, type ChunkSource, type ChunkedIteratorOptions, type IteratorOwner } from './chunked-iterator.js';
export { copyOut, copyRange, copyAdjacent } from './slab-copy.js';
