/**
 * Validation of every public input of the KV interface, turning a caller's request into a
 * normalized one (bytes, resolved key selections, defaults filled in). It checks types and
 * shapes only; the rules etcd applies on top (empty keys, TOO_MANY_OPS, DUPLICATE_KEY...)
 * are in txn-rules.ts, in etcd's order. Codes: a bad key INVALID_KEY, a bad value
 * INVALID_VALUE, a bad option (unknown name, wrong type) INVALID_OPTION, a malformed txn or
 * a bad revision argument INVALID_ARGUMENT.
 */
import { TidekvError, type CompareResult, type CompareTarget, type SortOrder, type SortTarget } from '@tidekv/core';
import { selectKeys, type KeySelection } from './key-range.js';

type Code = 'INVALID_KEY' | 'INVALID_VALUE' | 'INVALID_OPTION' | 'INVALID_ARGUMENT';

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
  key: Uint8Array;
  selection: KeySelection;
  revision: number;
  limit: number;
  countOnly: boolean;
  keysOnly: boolean;
  order: SortOrder;
  target: SortTarget;
  minModRevision: number;
  maxModRevision: number;
  minCreateRevision: number;
  maxCreateRevision: number;
}

export interface DeleteRangeRequest {
  type: 'deleteRange';
  key: Uint8Array;
  selection: KeySelection;
  prevKv: boolean;
}

export interface CompareRequest {
  key: Uint8Array;
  selection: KeySelection;
  target: CompareTarget;
  result: CompareResult;
  value: Uint8Array | number;
}

export interface TxnRequest {
  type: 'txn';
  compare: CompareRequest[];
  success: OpRequest[];
  failure: OpRequest[];
}

export type OpRequest = PutRequest | RangeRequest | DeleteRangeRequest | TxnRequest;

const SORT_ORDERS: readonly SortOrder[] = ['none', 'ascend', 'descend'];
const SORT_TARGETS: readonly SortTarget[] = ['key', 'version', 'create', 'mod', 'value'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['value', 'version', 'create', 'mod', 'lease'];
const COMPARE_RESULTS: readonly CompareResult[] = ['=', '!=', '<', '>'];
const PUT_OPTIONS = ['lease', 'prevKv', 'ignoreValue', 'ignoreLease'];
const RANGE_OPTIONS = [
  'end', 'prefix', 'revision', 'limit', 'countOnly', 'keysOnly', 'sort',
  'minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision',
];
const DELETE_OPTIONS = ['end', 'prefix', 'prevKv'];

function fail(code: Code, message: string): never {
  throw new TidekvError(code, message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** A Uint8Array (copied, so later changes by the caller do not reach the store) or a UTF-8 string. */
export function toBytes(value: unknown, code: Code, what: string): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value); // a copy, even of a Buffer (whose slice() is a view)
  if (typeof value === 'string') {
    if (!value.isWellFormed()) fail(code, `${what} is a string with a lone surrogate, which has no UTF-8 form`);
    return new TextEncoder().encode(value);
  }
  return fail(code, `${what} must be a Uint8Array or a string, got ${describe(value)}`);
}

/** A non-negative safe integer. */
export function toCount(value: unknown, code: Code, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(code, `${what} must be a non-negative safe integer, got ${describe(value)}`);
  }
  return value;
}

function options(input: unknown, known: readonly string[], code: Code, what: string): Record<string, unknown> {
  if (input === undefined) return {};
  if (!isRecord(input)) return fail(code, `${what} must be an object, got ${describe(input)}`);
  for (const name of Object.keys(input)) if (!known.includes(name)) fail(code, `${what}: unknown option '${name}'`);
  return input;
}

function flag(input: Record<string, unknown>, name: string, code: Code): boolean {
  const value = input[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(code, `option ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

function count(input: Record<string, unknown>, name: string, code: Code): number {
  return input[name] === undefined ? 0 : toCount(input[name], code, `option ${name}`);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T | undefined, code: Code, what: string): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!allowed.includes(value as T)) fail(code, `${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  return value as T;
}

function selection(key: Uint8Array, input: Record<string, unknown>, code: Code): KeySelection {
  const prefix = flag(input, 'prefix', code);
  const end = input.end === undefined ? undefined : toBytes(input.end, code, 'option end');
  if (prefix && end !== undefined) fail(code, 'options end and prefix exclude each other');
  return selectKeys(key, end, prefix);
}

export function parsePut(key: unknown, value: unknown, input: unknown, code: Code = 'INVALID_OPTION'): PutRequest {
  const k = toBytes(key, 'INVALID_KEY', 'key');
  const v = toBytes(value, 'INVALID_VALUE', 'value');
  const o = options(input, PUT_OPTIONS, code, 'put options');
  return {
    type: 'put',
    key: k,
    value: v,
    lease: count(o, 'lease', code),
    prevKv: flag(o, 'prevKv', code),
    ignoreValue: flag(o, 'ignoreValue', code),
    ignoreLease: flag(o, 'ignoreLease', code),
  };
}

export function parseRange(key: unknown, input: unknown, code: Code = 'INVALID_OPTION'): RangeRequest {
  const k = toBytes(key, 'INVALID_KEY', 'key');
  const o = options(input, RANGE_OPTIONS, code, 'range options');
  const sort = options(o.sort, ['order', 'target'], code, 'option sort');
  return {
    type: 'range',
    key: k,
    selection: selection(k, o, code),
    revision: count(o, 'revision', code),
    limit: count(o, 'limit', code),
    countOnly: flag(o, 'countOnly', code),
    keysOnly: flag(o, 'keysOnly', code),
    order: oneOf(sort.order, SORT_ORDERS, 'none', code, 'sort.order'),
    target: oneOf(sort.target, SORT_TARGETS, 'key', code, 'sort.target'),
    minModRevision: count(o, 'minModRevision', code),
    maxModRevision: count(o, 'maxModRevision', code),
    minCreateRevision: count(o, 'minCreateRevision', code),
    maxCreateRevision: count(o, 'maxCreateRevision', code),
  };
}

export function parseDeleteRange(key: unknown, input: unknown, code: Code = 'INVALID_OPTION'): DeleteRangeRequest {
  const k = toBytes(key, 'INVALID_KEY', 'key');
  const o = options(input, DELETE_OPTIONS, code, 'deleteRange options');
  return { type: 'deleteRange', key: k, selection: selection(k, o, code), prevKv: flag(o, 'prevKv', code) };
}

function parseCompare(input: unknown, where: string): CompareRequest {
  if (!isRecord(input)) fail('INVALID_ARGUMENT', `${where} must be an object, got ${describe(input)}`);
  for (const name of Object.keys(input)) {
    if (!['key', 'end', 'prefix', 'target', 'result', 'value'].includes(name)) fail('INVALID_ARGUMENT', `${where}: unknown field '${name}'`);
  }
  const key = toBytes(input.key, 'INVALID_KEY', `${where}.key`);
  const target = oneOf(input.target, COMPARE_TARGETS, undefined, 'INVALID_ARGUMENT', `${where}.target`);
  const result = oneOf(input.result, COMPARE_RESULTS, undefined, 'INVALID_ARGUMENT', `${where}.result`);
  const value =
    target === 'value'
      ? toBytes(input.value, 'INVALID_ARGUMENT', `${where}.value`)
      : toCount(input.value, 'INVALID_ARGUMENT', `${where}.value`);
  return { key, selection: selection(key, input, 'INVALID_ARGUMENT'), target, result, value };
}

function parseOp(input: unknown, where: string): OpRequest {
  if (!isRecord(input)) fail('INVALID_ARGUMENT', `${where} must be an object, got ${describe(input)}`);
  const { type, key, value, txn, ...rest } = input;
  switch (type) {
    case 'put':
      if (txn !== undefined) fail('INVALID_OPTION', `${where}: a put op takes no txn`);
      return parsePut(key, value, rest);
    case 'range':
      if (value !== undefined || txn !== undefined) fail('INVALID_OPTION', `${where}: a range op takes no value or txn`);
      return parseRange(key, rest);
    case 'deleteRange':
      if (value !== undefined || txn !== undefined) fail('INVALID_OPTION', `${where}: a deleteRange op takes no value or txn`);
      return parseDeleteRange(key, rest);
    case 'txn':
      if (key !== undefined || value !== undefined || Object.keys(rest).length > 0) {
        fail('INVALID_ARGUMENT', `${where}: a txn op has only { type: 'txn', txn }`);
      }
      return parseTxn(txn, `${where}.txn`);
    default:
      return fail('INVALID_ARGUMENT', `${where}.type must be 'put', 'range', 'deleteRange' or 'txn', got ${describe(type)}`);
  }
}

function list<T>(input: unknown, where: string, parse: (item: unknown, where: string) => T): T[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) fail('INVALID_ARGUMENT', `${where} must be an array, got ${describe(input)}`);
  return input.map((item, i) => parse(item, `${where}[${i}]`));
}

export function parseTxn(input: unknown, where = 'txn'): TxnRequest {
  if (!isRecord(input)) fail('INVALID_ARGUMENT', `${where} must be an object { compare, success, failure }, got ${describe(input)}`);
  for (const name of Object.keys(input)) {
    if (!['compare', 'success', 'failure'].includes(name)) fail('INVALID_ARGUMENT', `${where}: unknown field '${name}'`);
  }
  return {
    type: 'txn',
    compare: list(input.compare, `${where}.compare`, parseCompare),
    success: list(input.success, `${where}.success`, parseOp),
    failure: list(input.failure, `${where}.failure`, parseOp),
  };
}

/** A revision argument: a non-negative safe integer (0 where it means "current"). */
export function parseRevision(value: unknown, what: string): number {
  return toCount(value, 'INVALID_ARGUMENT', what);
}

export function parseCompactOptions(input: unknown): { physical: boolean } {
  const o = options(input, ['physical'], 'INVALID_OPTION', 'compact options');
  return { physical: flag(o, 'physical', 'INVALID_OPTION') };
}
