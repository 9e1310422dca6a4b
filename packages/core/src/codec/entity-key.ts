/**
 * Entity keys: `[entityId: u64 big-endian][0x00][tag: u8][suffix]`. Every key of one entity
 * shares a 9-byte prefix and every key of one (entity, tag) a 10-byte prefix, so "all facts
 * about entity 42" or "all of its tag-3 facts" is one prefix scan. Fixed-width fields come
 * first and the free-form suffix last, so byte order is (entityId, tag, suffix) order.
 */
import { TidekvError } from '../errors.js';
import { invalidArgument } from './codec-errors.js';
import { describeValue } from '../errors.js';
import { assertU64, readU64BE, writeU64BE } from './u64.js';

export const ENTITY_PREFIX_BYTES = 9;
export const ENTITY_TAG_PREFIX_BYTES = 10;
/** The byte between the entity id and the tag. */
const SEPARATOR = 0x00;

export interface EntityKey {
  /** A number when at most Number.MAX_SAFE_INTEGER, else a bigint. */
  entityId: number | bigint;
  tag: number;
  suffix: Uint8Array;
}

function assertTag(tag: unknown): asserts tag is number {
  if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0 || tag > 255) {
    throw invalidArgument(`tag must be an integer in [0, 255], got ${describeValue(tag)}`);
  }
}

/** The key for `suffix` (empty by default) under `entityId` and `tag`. */
export function encodeKey(entityId: number | bigint, tag: number, suffix: Uint8Array = new Uint8Array(0)): Uint8Array {
  assertU64(entityId, 'entityId');
  assertTag(tag);
  if (!(suffix instanceof Uint8Array)) throw invalidArgument(`suffix must be a Uint8Array, got ${describeValue(suffix)}`);
  const out = new Uint8Array(ENTITY_TAG_PREFIX_BYTES + suffix.length);
  writeU64BE(out, 0, entityId);
  out[8] = SEPARATOR;
  out[9] = tag;
  out.set(suffix, ENTITY_TAG_PREFIX_BYTES);
  return out;
}

/** Splits an entity key. The suffix is a plain Uint8Array copy (not `slice`: on a Buffer that is a view). */
export function parseKey(bytes: Uint8Array): EntityKey {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument(`parseKey() takes a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < ENTITY_TAG_PREFIX_BYTES) {
    throw new TidekvError('CORRUPTION', `parseKey(): an entity key has at least ${ENTITY_TAG_PREFIX_BYTES} bytes, got ${bytes.length}`, {
      details: { length: bytes.length },
    });
  }
  if (bytes[8] !== SEPARATOR) {
    throw new TidekvError('CORRUPTION', `parseKey(): byte 8 of an entity key must be 0x00, got 0x${bytes[8]!.toString(16).padStart(2, '0')}`, {
      details: { offset: 8 },
    });
  }
  return { entityId: readU64BE(bytes, 0), tag: bytes[9]!, suffix: new Uint8Array(bytes.subarray(ENTITY_TAG_PREFIX_BYTES)) };
}

/** The 9 bytes every key of `entityId` starts with; use as a range `prefix`. */
export function entityPrefix(entityId: number | bigint): Uint8Array {
  assertU64(entityId, 'entityId');
  const out = new Uint8Array(ENTITY_PREFIX_BYTES);
  writeU64BE(out, 0, entityId);
  out[8] = SEPARATOR;
  return out;
}

/** The 10 bytes every key of (`entityId`, `tag`) starts with; use as a range `prefix`. */
export function entityTagPrefix(entityId: number | bigint, tag: number): Uint8Array {
  return encodeKey(entityId, tag);
}
