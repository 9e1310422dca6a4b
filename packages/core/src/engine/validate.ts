/**
 * Input validation shared by every adapter, so bad input gets the same typed error
 * everywhere and is rejected before anything is written.
 */
import { TidekvError } from '../errors.js';
import type { Capabilities, WriteOp, WriteOptions } from './types.js';
import { normalizeDeleteRange, type NormalizedRange } from './range.js';
import { describeValue } from '../errors.js';
import { realByteLength } from './byte-input.js';

/** Keyspace names: letters, digits, '_' and '-', 1 to 64 characters. Safe in a path or SQL name. */
export const KEYSPACE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_KEYSPACE = 'default';


/** Why `value` is not usable bytes, for the message of an INVALID_KEY / INVALID_VALUE. */
function notBytes(value: unknown): string {
  if (!(value instanceof Uint8Array)) return `got ${describeValue(value)}`;
  return 'got a Uint8Array look-alike (a Proxy, a detached buffer or a redefined length)';
}

/**
 * Keys and values are checked by their real byte length (see byte-input.ts), never by
 * `instanceof` and `.length` alone, which a Proxy or a redefined property can fake.
 */
export function assertKey(key: unknown, maxKeySize: number, what = 'key'): asserts key is Uint8Array {
  const size = realByteLength(key);
  if (size < 0) throw new TidekvError('INVALID_KEY', `${what} must be a Uint8Array, ${notBytes(key)}`);
  if (size > maxKeySize) {
    throw new TidekvError('KEY_TOO_LARGE', `${what} is ${size} bytes; this engine allows at most ${maxKeySize}`, {
      details: { size, max: maxKeySize },
    });
  }
}

export function assertValue(value: unknown, maxValueSize: number): asserts value is Uint8Array {
  const size = realByteLength(value);
  if (size < 0) throw new TidekvError('INVALID_VALUE', `value must be a Uint8Array, ${notBytes(value)}`);
  if (size > maxValueSize) {
    throw new TidekvError('VALUE_TOO_LARGE', `value is ${size} bytes; this engine allows at most ${maxValueSize}`, {
      details: { size, max: maxValueSize },
    });
  }
}

export function assertKeys(keys: unknown, maxKeySize: number): asserts keys is Uint8Array[] {
  if (!Array.isArray(keys)) {
    throw new TidekvError('INVALID_ARGUMENT', `keys must be an array of Uint8Array, got ${describeValue(keys)}`);
  }
  for (let i = 0; i < keys.length; i++) assertKey(keys[i], maxKeySize, `keys[${i}]`);
}

export function assertKeyspaceName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !KEYSPACE_NAME_PATTERN.test(name)) {
    throw new TidekvError(
      'INVALID_KEYSPACE',
      `keyspace name must match ${KEYSPACE_NAME_PATTERN} (letters, digits, '_' and '-', 1-64 chars), got ${describeValue(name)}`,
    );
  }
}

export function assertWriteOptions(options: unknown): asserts options is WriteOptions | undefined {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new TidekvError('INVALID_OPTION', `write options must be an object, got ${describeValue(options)}`);
  }
  const sync = (options as WriteOptions).sync;
  if (sync !== undefined && typeof sync !== 'boolean') {
    throw new TidekvError('INVALID_OPTION', `options.sync must be a boolean, got ${describeValue(sync)}`);
  }
}

/** nextv sizes and similar counts: an integer >= 1. */
export function assertPositiveInteger(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TidekvError('INVALID_ARGUMENT', `${what} must be an integer >= 1, got ${describeValue(value)}`);
  }
}

/** A write op after validation: keyspace resolved, range normalised. */
export type ResolvedWriteOp =
  | { type: 'put'; keyspace: string; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; keyspace: string; key: Uint8Array }
  | { type: 'delRange'; keyspace: string; range: NormalizedRange };

/**
 * Validates a whole batch before anything is written (one bad op rejects the batch) and
 * returns it with defaults resolved.
 */
export function resolveWriteOps(ops: unknown, capabilities: Capabilities): ResolvedWriteOp[] {
  if (!Array.isArray(ops)) {
    throw new TidekvError('INVALID_ARGUMENT', `write() takes an array of ops, got ${describeValue(ops)}`);
  }
  const resolved: ResolvedWriteOp[] = new Array(ops.length);
  // Batches usually target one keyspace: check each distinct name once, not once per op.
  let checkedKeyspace: string | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (op === null || typeof op !== 'object') {
      throw new TidekvError('INVALID_ARGUMENT', `ops[${i}] must be an object, got ${describeValue(op)}`);
    }
    const { type, keyspace = DEFAULT_KEYSPACE } = op as WriteOp;
    if (keyspace !== checkedKeyspace) {
      assertKeyspaceName(keyspace);
      checkedKeyspace = keyspace;
    }
    if (type === 'put') {
      const { key, value } = op as { key: unknown; value: unknown };
      assertKey(key, capabilities.maxKeySize, `ops[${i}].key`);
      assertValue(value, capabilities.maxValueSize);
      resolved[i] = { type, keyspace, key, value };
    } else if (type === 'del') {
      const { key } = op as { key: unknown };
      assertKey(key, capabilities.maxKeySize, `ops[${i}].key`);
      resolved[i] = { type, keyspace, key };
    } else if (type === 'delRange') {
      // Only an absent range means "everything": a null range is bad input, not a wipe.
      const range = (op as { range?: unknown }).range;
      resolved[i] = { type, keyspace, range: normalizeDeleteRange(range) };
    } else {
      throw new TidekvError('INVALID_ARGUMENT', `ops[${i}].type must be 'put', 'del' or 'delRange', got ${describeValue(type)}`);
    }
  }
  return resolved;
}
