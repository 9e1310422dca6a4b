import { describe, expect, it } from 'vitest';
import {
  assertKey,
  assertKeys,
  assertKeyspaceName,
  assertValue,
  assertWriteOptions,
  resolveWriteOps,
  TidekvError,
  type Capabilities,
  type TidekvErrorCode,
} from '../src/index.js';

const caps: Capabilities = { persistent: false, syncReads: true, snapshots: true, maxKeySize: 8, maxValueSize: 16 };
const b = (...bytes: number[]) => Uint8Array.from(bytes);

function codeOf(fn: () => unknown): TidekvErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TidekvError);
    return (error as TidekvError).code;
  }
  return undefined;
}

describe('key and value validation', () => {
  it('accepts Uint8Array and Buffer, including empty', () => {
    expect(codeOf(() => assertKey(b(), 8))).toBeUndefined();
    expect(codeOf(() => assertKey(Buffer.from('abc'), 8))).toBeUndefined();
    expect(codeOf(() => assertValue(b(), 16))).toBeUndefined();
  });

  it.each([[null], [undefined], ['key'], [42], [[1, 2]], [{}], [new ArrayBuffer(2)], [new Uint16Array(2)]])(
    'rejects key %o',
    (key) => {
      expect(codeOf(() => assertKey(key, 8))).toBe('INVALID_KEY');
      expect(codeOf(() => assertValue(key, 8))).toBe('INVALID_VALUE');
    },
  );

  it('enforces size limits exactly', () => {
    expect(codeOf(() => assertKey(new Uint8Array(8), 8))).toBeUndefined();
    expect(codeOf(() => assertKey(new Uint8Array(9), 8))).toBe('KEY_TOO_LARGE');
    expect(codeOf(() => assertValue(new Uint8Array(16), 16))).toBeUndefined();
    expect(codeOf(() => assertValue(new Uint8Array(17), 16))).toBe('VALUE_TOO_LARGE');
  });

  it('validates key lists', () => {
    expect(codeOf(() => assertKeys([b(1), b()], 8))).toBeUndefined();
    expect(codeOf(() => assertKeys('ab', 8))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => assertKeys([b(1), 'x'], 8))).toBe('INVALID_KEY');
  });
});

describe('keyspace names', () => {
  it.each(['default', 'a', 'users_v2', 'A-b_9', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(codeOf(() => assertKeyspaceName(name))).toBeUndefined();
  });
  it.each(['', '../x', 'a/b', 'a;drop table t', 'x'.repeat(65), 'a b', 'é', 'a\u0000', 'a.b', 3, null])(
    'rejects %o',
    (name) => {
      expect(codeOf(() => assertKeyspaceName(name))).toBe('INVALID_KEYSPACE');
    },
  );
});

describe('write options', () => {
  it('accepts undefined and { sync }', () => {
    expect(codeOf(() => assertWriteOptions(undefined))).toBeUndefined();
    expect(codeOf(() => assertWriteOptions({ sync: true }))).toBeUndefined();
  });
  it.each([[null], ['sync'], [{ sync: 'yes' }], [1]])('rejects %o', (options) => {
    expect(codeOf(() => assertWriteOptions(options))).toBe('INVALID_OPTION');
  });
});

describe('resolveWriteOps', () => {
  it('resolves defaults and normalises delRange', () => {
    const ops = resolveWriteOps(
      [
        { type: 'put', key: b(1), value: b(2) },
        { type: 'del', keyspace: 'other', key: b(1) },
        { type: 'delRange', range: { prefix: b(1) } },
      ],
      caps,
    );
    expect(ops.map((op) => [op.type, op.keyspace])).toEqual([
      ['put', 'default'],
      ['del', 'other'],
      ['delRange', 'default'],
    ]);
    const last = ops[2]!;
    expect(last.type === 'delRange' && last.range.upper?.key).toEqual(b(2));
  });

  it.each([
    ['not an array', { type: 'put' }, 'INVALID_ARGUMENT'],
    ['a null op', [null], 'INVALID_ARGUMENT'],
    ['an unknown type', [{ type: 'upsert', key: b(1), value: b(1) }], 'INVALID_ARGUMENT'],
    ['a string key', [{ type: 'put', key: 'a', value: b(1) }], 'INVALID_KEY'],
    ['a missing value', [{ type: 'put', key: b(1) }], 'INVALID_VALUE'],
    ['an oversized key', [{ type: 'del', key: new Uint8Array(9) }], 'KEY_TOO_LARGE'],
    ['an oversized value', [{ type: 'put', key: b(1), value: new Uint8Array(17) }], 'VALUE_TOO_LARGE'],
    ['a bad keyspace', [{ type: 'put', keyspace: '../etc', key: b(1), value: b(1) }], 'INVALID_KEYSPACE'],
    [
      'a bad keyspace after good ones',
      [
        { type: 'put', keyspace: 'a', key: b(1), value: b(1) },
        { type: 'del', keyspace: 'a', key: b(1) },
        { type: 'put', keyspace: 'a b', key: b(1), value: b(1) },
      ],
      'INVALID_KEYSPACE',
    ],
    ['a bad range', [{ type: 'delRange', range: { gt: 'x' } }], 'INVALID_RANGE'],
  ])('rejects %s', (_label, ops, code) => {
    expect(codeOf(() => resolveWriteOps(ops, caps))).toBe(code);
  });

  it('rejects the whole batch when a late op is invalid', () => {
    const ops = [
      { type: 'put', key: b(1), value: b(1) },
      { type: 'put', key: b(2), value: 'not bytes' },
    ];
    expect(codeOf(() => resolveWriteOps(ops, caps))).toBe('INVALID_VALUE');
  });
});
