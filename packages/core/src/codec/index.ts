/** The key codec: tuples, entity keys, revision keys, and the byte helpers they build on. */
export { compareBytes, bytesEqual, prefixSuccessor, keySuccessor, concatBytes, utf8Encode, utf8Decode } from './bytes.js';
export { pack, unpack, range, TupleDouble, double, isTupleDouble, TUPLE_MAX_DEPTH, type Tuple, type TupleElement } from './tuple.js';
export {
  encodeKey,
  parseKey,
  entityPrefix,
  entityTagPrefix,
  ENTITY_PREFIX_BYTES,
  ENTITY_TAG_PREFIX_BYTES,
  type EntityKey,
} from './entity-key.js';
export {
  encodeRevisionKey,
  decodeRevisionKey,
  compareRevisions,
  REVISION_KEY_BYTES,
  TOMBSTONE_REVISION_KEY_BYTES,
  type Revision,
  type DecodedRevisionKey,
} from './revision-key.js';
