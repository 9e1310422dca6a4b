/**
 * Bad input: every method with wrong types, bad options, unknown options, negative,
 * fractional or unsafe numbers, and malformed txns. Each fails with a TidekvError of the
 * stated code and changes nothing. Where the code could reasonably be either (an options
 * object the caller got wrong), both INVALID_OPTION and INVALID_ARGUMENT are accepted.
 */
import type { KV, TidekvErrorCode } from '@tidekv/core';
import type { MvccCase } from '../mvcc-case.js';
import { expectRefused } from '../support/mvcc.js';

const group = 'bad input';

const OPTION: TidekvErrorCode[] = ['INVALID_OPTION', 'INVALID_ARGUMENT'];
const NOT_BYTES: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a boolean', true],
  ['an object', { key: 'a' }],
  ['an array', [0x61]],
  ['an ArrayBuffer', new ArrayBuffer(2)],
  ['a DataView', new DataView(new ArrayBuffer(2))],
  ['a string with a lone surrogate', 'a\ud800'],
];
const BAD_NUMBERS: [string, unknown][] = [
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['2^53', 2 ** 53],
  ['a string', '3'],
  ['a bigint', 3n],
  ['null', null],
];

type Call = [what: string, action: (kv: KV) => unknown, code: TidekvErrorCode | TidekvErrorCode[]];

const any = (value: unknown) => value as never;

function keyCalls(): Call[] {
  return NOT_BYTES.flatMap(([what, bad]): Call[] => [
    [`put key ${what}`, (kv) => kv.put(any(bad), 'v'), 'INVALID_KEY'],
    [`range key ${what}`, (kv) => kv.range(any(bad)), 'INVALID_KEY'],
    [`deleteRange key ${what}`, (kv) => kv.deleteRange(any(bad)), 'INVALID_KEY'],
    [`compare key ${what}`, (kv) => kv.txn({ compare: [{ key: any(bad), target: 'version', result: '=', value: 0 }] }), 'INVALID_KEY'],
    [`txn put key ${what}`, (kv) => kv.txn({ success: [{ type: 'put', key: any(bad), value: 'v' }] }), 'INVALID_KEY'],
    [`txn range key ${what}, branch not taken`, (kv) => kv.txn({ failure: [{ type: 'range', key: any(bad) }] }), 'INVALID_KEY'],
    [`put value ${what}`, (kv) => kv.put('a', any(bad)), 'INVALID_VALUE'],
    [`txn put value ${what}`, (kv) => kv.txn({ success: [{ type: 'put', key: 'a', value: any(bad) }] }), 'INVALID_VALUE'],
    ...(bad === undefined ? [] : ([[`range end ${what}`, (kv) => kv.range('a', { end: any(bad) }), [...OPTION, 'INVALID_RANGE']]] as Call[])),
  ]);
}

function numberCalls(): Call[] {
  return BAD_NUMBERS.flatMap(([what, bad]): Call[] => [
    [`range revision ${what}`, (kv) => kv.range('a', { revision: any(bad) }), OPTION],
    [`range limit ${what}`, (kv) => kv.range('a', { limit: any(bad) }), OPTION],
    [`range minModRevision ${what}`, (kv) => kv.range('a', { minModRevision: any(bad) }), OPTION],
    [`range maxCreateRevision ${what}`, (kv) => kv.range('a', { maxCreateRevision: any(bad) }), OPTION],
    [`put lease ${what}`, (kv) => kv.put('a', 'v', { lease: any(bad) }), OPTION],
    [`compact ${what}`, (kv) => kv.compact(any(bad)), 'INVALID_ARGUMENT'],
    [`hashKV ${what}`, (kv) => kv.hashKV(any(bad)), 'INVALID_ARGUMENT'],
    [`compare version ${what}`, (kv) => kv.txn({ compare: [{ key: 'a', target: 'version', result: '=', value: any(bad) }] }), 'INVALID_ARGUMENT'],
    [`txn range revision ${what}`, (kv) => kv.txn({ success: [{ type: 'range', key: 'a', revision: any(bad) }] }), OPTION],
  ]);
}

function optionCalls(): Call[] {
  return [
    ['put options not an object', (kv) => kv.put('a', 'v', any('prevKv')), OPTION],
    ['put options null', (kv) => kv.put('a', 'v', any(null)), OPTION],
    ['put unknown option', (kv) => kv.put('a', 'v', any({ prevkv: true })), OPTION],
    ['put prevKv not a boolean', (kv) => kv.put('a', 'v', any({ prevKv: 1 })), OPTION],
    ['put ignoreValue not a boolean', (kv) => kv.put('a', '', any({ ignoreValue: 'yes' })), OPTION],
    ['range options an array', (kv) => kv.range('a', any([])), OPTION],
    ['range unknown option', (kv) => kv.range('a', any({ rangeEnd: 'b' })), OPTION],
    ['range prefix not a boolean', (kv) => kv.range('a', any({ prefix: 'true' })), OPTION],
    ['range end and prefix together', (kv) => kv.range('a', { end: 'b', prefix: true }), [...OPTION, 'INVALID_RANGE']],
    ['range countOnly not a boolean', (kv) => kv.range('a', any({ countOnly: 1 })), OPTION],
    ['range keysOnly not a boolean', (kv) => kv.range('a', any({ keysOnly: null })), OPTION],
    ['range sort not an object', (kv) => kv.range('a', any({ sort: 'key' })), OPTION],
    ['range sort unknown order', (kv) => kv.range('a', any({ sort: { order: 'up' } })), OPTION],
    ['range sort unknown target', (kv) => kv.range('a', any({ sort: { target: 'lease' } })), OPTION],
    ['range sort unknown field', (kv) => kv.range('a', any({ sort: { order: 'ascend', by: 'key' } })), OPTION],
    ['deleteRange unknown option', (kv) => kv.deleteRange('a', any({ limit: 1 })), OPTION],
    ['deleteRange prevKv not a boolean', (kv) => kv.deleteRange('a', any({ prevKv: 'no' })), OPTION],
    ['deleteRange end and prefix together', (kv) => kv.deleteRange('a', { end: 'b', prefix: true }), [...OPTION, 'INVALID_RANGE']],
    ['compact options unknown', (kv) => kv.compact(1, any({ wait: true })), OPTION],
    ['compact physical not a boolean', (kv) => kv.compact(1, any({ physical: 1 })), OPTION],
  ];
}

function txnCalls(): Call[] {
  const A = 'INVALID_ARGUMENT';
  return [
    ['txn request undefined', (kv) => kv.txn(any(undefined)), A],
    ['txn request null', (kv) => kv.txn(any(null)), A],
    ['txn request an array', (kv) => kv.txn(any([])), A],
    ['txn unknown field', (kv) => kv.txn(any({ then: [] })), A],
    ['txn compare not an array', (kv) => kv.txn(any({ compare: { key: 'a' } })), A],
    ['txn success not an array', (kv) => kv.txn(any({ success: { type: 'put', key: 'a', value: 'v' } })), A],
    ['txn compare null', (kv) => kv.txn(any({ compare: [null] })), A],
    ['txn compare unknown target', (kv) => kv.txn(any({ compare: [{ key: 'a', target: 'size', result: '=', value: 0 }] })), A],
    ['txn compare unknown result', (kv) => kv.txn(any({ compare: [{ key: 'a', target: 'version', result: '==', value: 0 }] })), A],
    ['txn compare missing result', (kv) => kv.txn(any({ compare: [{ key: 'a', target: 'version', value: 0 }] })), A],
    ['txn compare value: bytes for a number target', (kv) => kv.txn(any({ compare: [{ key: 'a', target: 'mod', result: '=', value: 'x' }] })), A],
    ['txn compare value: a number for the value target', (kv) => kv.txn(any({ compare: [{ key: 'a', target: 'value', result: '=', value: 1 }] })), A],
    ['txn compare unknown field', (kv) => kv.txn(any({ compare: [{ key: 'a', target: 'version', result: '=', value: 0, lease: 1 }] })), A],
    ['txn op null', (kv) => kv.txn(any({ success: [null] })), A],
    ['txn op unknown type', (kv) => kv.txn(any({ success: [{ type: 'get', key: 'a' }] })), A],
    ['txn op without type', (kv) => kv.txn(any({ success: [{ key: 'a', value: 'v' }] })), A],
    ['txn op unknown option', (kv) => kv.txn(any({ success: [{ type: 'put', key: 'a', value: 'v', sync: true }] })), OPTION],
    ['nested txn malformed', (kv) => kv.txn(any({ failure: [{ type: 'txn', txn: { compare: 'x' } }] })), A],
    ['nested txn missing', (kv) => kv.txn(any({ success: [{ type: 'txn' }] })), A],
  ];
}

export const badInputCases: MvccCase[] = [
  ...[
    ['keys and values that are not bytes or strings', keyCalls],
    ['negative, fractional, unsafe and non-number numbers', numberCalls],
    ['bad and unknown options', optionCalls],
    ['malformed txn requests', txnCalls],
  ].map(
    ([name, calls]): MvccCase => ({
      group,
      name: `${name as string}: a typed error, nothing written, no revision used`,
      async run({ kv }) {
        await kv.put('a', '1');
        await kv.put('b', '2');
        for (const [what, action, code] of (calls as () => Call[])()) await expectRefused(kv, () => action(kv), code, what);
      },
    }),
  ),
];
