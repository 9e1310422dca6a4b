/**
 * Validation of every MVCC request, turning caller input into checked, normalized requests
 * before anything runs. Bad input is a TidekvError: INVALID_KEY (not bytes, or empty),
 * INVALID_VALUE, INVALID_OPTION (not an object, unknown option), INVALID_ARGUMENT (an option
 * of the wrong type or range, `end` with `prefix`, ignoreValue with a value, ignoreLease with
 * a lease), TOO_MANY_OPS and DUPLICATE_KEY, with etcd's order of checks.
 */
import { TidekvError } from '../errors.js';
import { prefixSuccessor } from '../codec/bytes.js';
import { copyBytes, utf8Bytes } from '../codec/byte-slab.js';
import { describeValue } from '../errors.js';
import type { CompareResult, CompareTarget, SortOrder, SortTarget } from './kv.js';

/** A key range as etcd's index sees it. */
export interface KeyRange {
  key: Uint8Array;
  /** undefined: the single key; empty: every key >= key (etcd's "\0"); else exclusive end. */
  end: Uint8Array | undefined;
  /** The range end exactly as requested, for etcd's duplicate-key intervals. */
  rawEnd: Uint8Array | undefined;
}

export interface PutRequest {
  type: 'put';
  key: Uint8Array;
  value: Uint8Array;
  lease: number;
  prevKv: boolean;
  ignoreValue: boolean;
  ignoreLease: boolean;
}

export interface RangeRequest {
  type: 'range';
  range: KeyRange;
  revision: number;
  limit: number;
  countOnly: boolean;
  keysOnly: boolean;
  sortOrder: SortOrder;
  sortTarget: SortTarget;
  minModRevision: number;
  maxModRevision: number;
  minCreateRevision: number;
  maxCreateRevision: number;
}

export interface DeleteRangeRequest {
  type: 'deleteRange';
  range: KeyRange;
  prevKv: boolean;
}

export interface CompareRequest {
  range: KeyRange;
  target: CompareTarget;
  result: CompareResult;
  value: Uint8Array | number;
}

export interface TxnRequestChecked {
  type: 'txn';
  compare: CompareRequest[];
  success: OpRequest[];
  failure: OpRequest[];
}

export type OpRequest = PutRequest | RangeRequest | DeleteRangeRequest | TxnRequestChecked;

const EMPTY = new Uint8Array(0);

function invalid(message: string): TidekvError {
  return new TidekvError('INVALID_ARGUMENT', message);
}

/**
 * A caller's key or value as bytes: strings are UTF-8. Copied unless `copy` is false, so later
 * changes by the caller cannot leak into a request that runs later or into stored data.
 */
export function toBytes(input: unknown, what: string, code: 'INVALID_KEY' | 'INVALID_VALUE' | 'INVALID_ARGUMENT', copy = true): Uint8Array {
  if (typeof input === 'string') {
    if (!input.isWellFormed()) throw new TidekvError(code, `${what}: the string contains a lone surrogate, which has no UTF-8 encoding`);
    return utf8Bytes(input);
  }
  // A copy (from a shared slab: small arrays are the common case); a Buffer's slice() would be a view of the caller's memory.
  if (input instanceof Uint8Array) return copy ? copyBytes(input) : input;
  throw new TidekvError(code, `${what} must be a Uint8Array or a string, got ${describeValue(input)}`);
}

export function toKey(input: unknown, what = 'key', copy = true): Uint8Array {
  const key = toBytes(input, what, 'INVALID_KEY', copy);
  if (key.length === 0) throw new TidekvError('INVALID_KEY', `${what} must not be empty`);
  return key;
}

/** An options object with only `allowed` names; undefined becomes {}. */
export function optionsObject(
  input: unknown,
  what: string,
  allowed: readonly string[],
  code: 'INVALID_OPTION' | 'INVALID_ARGUMENT' = 'INVALID_OPTION',
): Record<string, unknown> {
  if (input === undefined) return {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TidekvError(code, `${what} must be an object, got ${describeValue(input)}`);
  }
  for (const name of Object.keys(input)) {
    if (!allowed.includes(name)) throw new TidekvError(code, `${what}: unknown field '${name}'`);
  }
  return input as Record<string, unknown>;
}

export function booleanOption(options: Record<string, unknown>, name: string): boolean {
  const value = options[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/** A non-negative safe integer (revisions, limits, leases); absent is 0. */
export function countOption(options: Record<string, unknown>, name: string): number {
  const value = options[name];
  if (value === undefined) return 0;
  return assertCount(value, name);
}

export function assertCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${what} must be a non-negative safe integer, got ${describeValue(value)}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, what: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(`${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** etcd's range_end conventions: absent = one key, prefix = the prefix's successor ("\0" for all 0xFF), "\0" = unbounded. */
export function keyRange(key: Uint8Array, options: Record<string, unknown>, what: string): KeyRange {
  const prefix = booleanOption(options, 'prefix');
  if (prefix && options.end !== undefined) throw invalid(`${what}: give either end or prefix, not both`);
  let rawEnd: Uint8Array | undefined;
  if (prefix) rawEnd = prefixSuccessor(key) ?? new Uint8Array([0]);
  else if (options.end !== undefined) rawEnd = toBytes(options.end, `${what} end`, 'INVALID_ARGUMENT');
  const unbounded = rawEnd !== undefined && rawEnd.length === 1 && rawEnd[0] === 0;
  return { key, end: unbounded ? EMPTY : rawEnd, rawEnd };
}

const SINGLE_KEY_DEFAULTS = {
  type: 'range',
  revision: 0,
  limit: 0,
  countOnly: false,
  keysOnly: false,
  sortOrder: 'none',
  sortTarget: 'key',
  minModRevision: 0,
  maxModRevision: 0,
  minCreateRevision: 0,
  maxCreateRevision: 0,
} as const;

const PUT_OPTIONS = ['lease', 'prevKv', 'ignoreValue', 'ignoreLease'] as const;
const RANGE_OPTIONS = [
  'end', 'prefix', 'revision', 'limit', 'countOnly', 'keysOnly', 'sort',
  'minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision',
] as const;
const DELETE_OPTIONS = ['end', 'prefix', 'prevKv'] as const;
const SORT_ORDERS: readonly SortOrder[] = ['none', 'ascend', 'descend'];
const SORT_TARGETS: readonly SortTarget[] = ['key', 'version', 'create', 'mod', 'value'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['value', 'version', 'create', 'mod', 'lease'];
const COMPARE_RESULTS: readonly CompareResult[] = ['=', '!=', '<', '>'];

export function checkPut(key: unknown, value: unknown, input: unknown, what = 'put'): PutRequest {
  if (input === undefined && what === 'put') {
    // The common put: no options to read, and no message strings built unless something fails.
    const checkedKey = toKey(key, 'put key');
    return { type: 'put', key: checkedKey, value: toBytes(value, 'put value', 'INVALID_VALUE'), lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false };
  }
  const options = optionsObject(input, `${what} options`, PUT_OPTIONS);
  const checkedKey = toKey(key, `${what} key`);
  const checkedValue = toBytes(value, `${what} value`, 'INVALID_VALUE');
  const lease = countOption(options, 'lease');
  const ignoreValue = booleanOption(options, 'ignoreValue');
  const ignoreLease = booleanOption(options, 'ignoreLease');
  if (ignoreValue && checkedValue.length > 0) throw invalid(`${what}: ignoreValue is set, so the value must be empty`);
  if (ignoreLease && lease !== 0) throw invalid(`${what}: ignoreLease is set, so no lease may be given`);
  return { type: 'put', key: checkedKey, value: checkedValue, lease, prevKv: booleanOption(options, 'prevKv'), ignoreValue, ignoreLease };
}

/** `copy` false: the request runs at once and keeps nothing (a top-level range). */
export function checkRange(key: unknown, input: unknown, what = 'range', copy = true): RangeRequest {
  if (input === undefined) {
    // The common single-key read: nothing else to check.
    const single = toKey(key, `${what} key`, copy);
    return { ...SINGLE_KEY_DEFAULTS, range: { key: single, end: undefined, rawEnd: undefined } };
  }
  const options = optionsObject(input, `${what} options`, RANGE_OPTIONS);
  const range = keyRange(toKey(key, `${what} key`, copy), options, what);
  const sort = optionsObject(options.sort, `${what} sort`, ['order', 'target']);
  return {
    type: 'range',
    range,
    revision: countOption(options, 'revision'),
    limit: countOption(options, 'limit'),
    countOnly: booleanOption(options, 'countOnly'),
    keysOnly: booleanOption(options, 'keysOnly'),
    sortOrder: oneOf(sort.order, 'sort.order', SORT_ORDERS, 'none'),
    sortTarget: oneOf(sort.target, 'sort.target', SORT_TARGETS, 'key'),
    minModRevision: countOption(options, 'minModRevision'),
    maxModRevision: countOption(options, 'maxModRevision'),
    minCreateRevision: countOption(options, 'minCreateRevision'),
    maxCreateRevision: countOption(options, 'maxCreateRevision'),
  };
}

export function checkDeleteRange(key: unknown, input: unknown, what = 'deleteRange'): DeleteRangeRequest {
  const options = optionsObject(input, `${what} options`, DELETE_OPTIONS);
  const range = keyRange(toKey(key, `${what} key`), options, what);
  return { type: 'deleteRange', range, prevKv: booleanOption(options, 'prevKv') };
}

function checkCompare(input: unknown, what: string): CompareRequest {
  const options = optionsObject(input, what, ['key', 'end', 'prefix', 'target', 'result', 'value'], 'INVALID_ARGUMENT');
  if (input === undefined) throw invalid(`${what} must be an object`);
  const key = toKey(options.key, `${what} key`);
  const target = oneOf(options.target, `${what} target`, COMPARE_TARGETS, undefined as unknown as CompareTarget);
  const result = oneOf(options.result, `${what} result`, COMPARE_RESULTS, undefined as unknown as CompareResult);
  if (target === undefined) throw invalid(`${what} target is required`);
  if (result === undefined) throw invalid(`${what} result is required`);
  const value = target === 'value' ? toBytes(options.value, `${what} value`, 'INVALID_ARGUMENT') : assertCount(options.value, `${what} value`);
  return { range: keyRange(key, options, what), target, result, value };
}

function opList(input: unknown, what: string): unknown[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw invalid(`${what} must be an array, got ${describeValue(input)}`);
  return input;
}

function checkOp(input: unknown, what: string, maxOps: number): OpRequest {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`${what} must be an object, got ${describeValue(input)}`);
  }
  const { type, ...rest } = input as Record<string, unknown>;
  switch (type) {
    case 'put': {
      const { key, value, ...options } = rest;
      return checkPut(key, value, options, what);
    }
    case 'range': {
      const { key, ...options } = rest;
      return checkRange(key, options, what);
    }
    case 'deleteRange': {
      const { key, ...options } = rest;
      return checkDeleteRange(key, options, what);
    }
    case 'txn': {
      optionsObject(rest, what, ['txn'], 'INVALID_ARGUMENT');
      return checkTxnLevel(rest.txn, `${what}.txn`, maxOps);
    }
    default:
      throw invalid(`${what}.type must be 'put', 'range', 'deleteRange' or 'txn', got ${describeValue(type)}`);
  }
}

/** etcd's checkTxnRequest: op counts, then compares, then every op (a nested txn gets what is left of the op budget). */
function checkTxnLevel(input: unknown, what: string, maxOps: number): TxnRequestChecked {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`${what} must be an object, got ${describeValue(input)}`);
  }
  const request = optionsObject(input, what, ['compare', 'success', 'failure'], 'INVALID_ARGUMENT');
  const compares = opList(request.compare, `${what}.compare`);
  const success = opList(request.success, `${what}.success`);
  const failure = opList(request.failure, `${what}.failure`);
  const ops = Math.max(compares.length, success.length, failure.length);
  if (ops > maxOps) {
    throw new TidekvError('TOO_MANY_OPS', `${what} has ${ops} operations in one list; the limit is ${maxOps}`, { details: { ops, maxOps } });
  }
  return {
    type: 'txn',
    compare: compares.map((c, i) => checkCompare(c, `${what}.compare[${i}]`)),
    success: success.map((op, i) => checkOp(op, `${what}.success[${i}]`, maxOps - ops)),
    failure: failure.map((op, i) => checkOp(op, `${what}.failure[${i}]`, maxOps - ops)),
  };
}

export function checkTxn(input: unknown, maxOps: number): TxnRequestChecked {
  const txn = checkTxnLevel(input, 'txn', maxOps);
  checkIntervals(txn.success);
  checkIntervals(txn.failure);
  return txn;
}

// --- DUPLICATE_KEY: etcd's checkIntervals, with its literal interval semantics -------------

/** A delete interval: [key, end) bytewise, or the single key when end is undefined. */
interface Interval {
  key: Uint8Array;
  end: Uint8Array | undefined;
}

function compareRaw(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

function intersects(dels: Interval[], key: Uint8Array): boolean {
  for (const d of dels) {
    if (d.end === undefined) {
      if (compareRaw(d.key, key) === 0) return true;
    } else if (compareRaw(d.key, key) <= 0 && compareRaw(key, d.end) < 0) {
      return true;
    }
  }
  return false;
}

function duplicate(key: Uint8Array): TidekvError {
  return new TidekvError('DUPLICATE_KEY', 'txn: a key is put twice, or put inside a deleted range, in one branch', { details: { key } });
}

const keyId = (key: Uint8Array): string => Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

/** Returns the puts and deletes of `ops` (nested txns included) or throws DUPLICATE_KEY. */
function checkIntervals(ops: OpRequest[]): { puts: Map<string, Uint8Array>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of ops) {
    // A range end is taken literally here, as etcd does: "\0" is not "to the end".
    if (op.type === 'deleteRange') dels.push({ key: op.range.key, end: op.range.rawEnd !== undefined && op.range.rawEnd.length > 0 ? op.range.rawEnd : undefined });
  }
  const puts = new Map<string, Uint8Array>();
  for (const op of ops) {
    if (op.type !== 'txn') continue;
    const then = checkIntervals(op.success);
    const otherwise = checkIntervals(op.failure);
    for (const [id, key] of then.puts) {
      if (puts.has(id) || intersects(dels, key)) throw duplicate(key);
      puts.set(id, key);
    }
    for (const [id, key] of otherwise.puts) {
      if (puts.has(id) && !then.puts.has(id)) throw duplicate(key);
      if (intersects(dels, key)) throw duplicate(key);
      puts.set(id, key);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) {
    if (op.type !== 'put') continue;
    const id = keyId(op.key);
    if (puts.has(id) || intersects(dels, op.key)) throw duplicate(op.key);
    puts.set(id, op.key);
  }
  return { puts, dels };
}

/** True when no op, nested ones included, in either branch writes. */
export function isReadOnly(txn: TxnRequestChecked): boolean {
  const readOnly = (ops: OpRequest[]): boolean => ops.every((op) => op.type === 'range' || (op.type === 'txn' && isReadOnly(op)));
  return readOnly(txn.success) && readOnly(txn.failure);
}
