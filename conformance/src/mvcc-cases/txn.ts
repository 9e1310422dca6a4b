/**
 * txn: compares on every target and result (single keys, missing keys, ranges), both
 * branches, responses in op order, reads of the txn's own writes, nested txns whose
 * compares see the state before the txn, DUPLICATE_KEY and TOO_MANY_OPS as etcd checks
 * them, and errors in the chosen branch refusing the whole txn.
 */
import { expect } from 'vitest';
import type { Compare, CompareResult, CompareTarget, KV, RequestOp } from '@tidekv/core';
import type { MvccCase } from '../mvcc-case.js';
import { everything, expectRefused, keysOf, putAll, tuple, tuples } from '../support/mvcc.js';

const group = 'txn';
const RESULTS: CompareResult[] = ['=', '!=', '<', '>'];

async function holds(kv: KV, compare: Compare | Compare[]): Promise<boolean> {
  const response = await kv.txn({ compare: Array.isArray(compare) ? compare : [compare] });
  expect(response.responses).toEqual([]);
  return response.succeeded;
}

/** What each result says of `actual` against `value` (-1 below, 0 equal, 1 above). */
function expectedTruth(order: number, result: CompareResult): boolean {
  return { '=': order === 0, '!=': order !== 0, '<': order < 0, '>': order > 0 }[result];
}

/**
 * The key 'k' ends with value 'm', createRevision 3, modRevision 4, version 2, lease 0;
 * each target is compared with a value below, equal to and above it.
 */
const TARGET_VALUES: Record<CompareTarget, [value: string | number, order: number][]> = {
  value: [['l', 1], ['m', 0], ['n', -1], ['', 1], ['mm', -1]],
  version: [[1, 1], [2, 0], [3, -1]],
  create: [[2, 1], [3, 0], [4, -1]],
  mod: [[3, 1], [4, 0], [5, -1]],
  lease: [[0, 0], [1, -1]],
};

const targetCases: MvccCase[] = (Object.keys(TARGET_VALUES) as CompareTarget[]).map((target) => ({
  group,
  name: `compare ${target} with every result on an existing key`,
  async run({ kv }) {
    await putAll(kv, [['f', 'x'], ['k', 'm'], ['k', 'm']]);
    for (const [value, order] of TARGET_VALUES[target]) {
      for (const result of RESULTS) {
        const compare = { key: 'k', target, result, value } as Compare;
        expect(await holds(kv, compare), `${target} ${result} ${JSON.stringify(value)} (actual is ${['below', 'equal', 'above'][order + 1]})`).toBe(
          expectedTruth(order, result),
        );
      }
    }
    expect(kv.revision).toBe(4);
  },
}));

export const txnCases: MvccCase[] = [
  ...targetCases,
  {
    group,
    name: 'compares on a missing key: value is always false, other targets compare 0',
    async run({ kv }) {
      await kv.put('other', 'x');
      for (const result of RESULTS) {
        expect(await holds(kv, { key: 'missing', target: 'value', result, value: '' }), `value ${result} ''`).toBe(false);
        expect(await holds(kv, { key: 'missing', target: 'value', result, value: 'x' }), `value ${result} 'x'`).toBe(false);
      }
      for (const target of ['version', 'create', 'mod', 'lease'] as const) {
        for (const result of RESULTS) {
          expect(await holds(kv, { key: 'missing', target, result, value: 0 }), `${target} ${result} 0`).toBe(expectedTruth(0, result));
          expect(await holds(kv, { key: 'missing', target, result, value: 3 }), `${target} ${result} 3`).toBe(expectedTruth(-1, result));
        }
      }
      await kv.put('gone', '1');
      await kv.deleteRange('gone');
      expect(await holds(kv, { key: 'gone', target: 'create', result: '=', value: 0 }), 'a deleted key is absent').toBe(true);
    },
  },
  {
    group,
    name: 'range compares: every key in the range must satisfy; an empty range compares zeros',
    async run({ kv }) {
      await putAll(kv, [['a', 'v'], ['b', 'v'], ['b', 'v'], ['c', 'v']]);
      expect(await holds(kv, { key: 'a', end: 'd', target: 'version', result: '>', value: 0 })).toBe(true);
      expect(await holds(kv, { key: 'a', end: 'd', target: 'version', result: '=', value: 1 }), 'b is at version 2').toBe(false);
      expect(await holds(kv, { key: 'a', end: 'b', target: 'version', result: '=', value: 1 }), '[a, b) is only a').toBe(true);
      expect(await holds(kv, { key: 'a', end: 'd', target: 'value', result: '=', value: 'v' })).toBe(true);
      expect(await holds(kv, { key: 'a', end: 'd', target: 'mod', result: '<', value: 5 }), 'c has mod 5').toBe(false);
      expect(await holds(kv, { key: 'b', prefix: true, target: 'version', result: '=', value: 2 })).toBe(true);
      expect(await holds(kv, { key: 'b', end: '\0', target: 'create', result: '>', value: 2 })).toBe(true);
      expect(await holds(kv, { key: '\0', end: '\0', target: 'create', result: '>', value: 2 }), 'a was created at 2').toBe(false);
      expect(await holds(kv, { key: 'x', end: 'z', target: 'version', result: '=', value: 0 }), 'empty range').toBe(true);
      expect(await holds(kv, { key: 'x', end: 'z', target: 'value', result: '!=', value: 'q' }), 'empty range, value').toBe(false);
      expect(await holds(kv, { key: 'c', end: 'a', target: 'create', result: '=', value: 0 }), 'end before key: empty').toBe(true);
    },
  },
  {
    group,
    name: 'all compares must hold; success runs when they do, failure otherwise',
    async run({ kv }) {
      await kv.put('k', '1');
      const run = (compare: Compare[]) =>
        kv.txn({ compare, success: [{ type: 'put', key: 'branch', value: 'success' }], failure: [{ type: 'put', key: 'branch', value: 'failure' }] });
      const ok = await run([
        { key: 'k', target: 'value', result: '=', value: '1' },
        { key: 'k', target: 'version', result: '=', value: 1 },
      ]);
      expect([ok.succeeded, ok.revision]).toEqual([true, 3]);
      expect(tuples((await kv.range('branch')).kvs)).toEqual([['branch', 'success', 3, 3, 1]]);
      const no = await run([
        { key: 'k', target: 'value', result: '=', value: '1' },
        { key: 'k', target: 'version', result: '=', value: 2 },
      ]);
      expect([no.succeeded, no.revision]).toEqual([false, 4]);
      expect(tuples((await kv.range('branch')).kvs)).toEqual([['branch', 'failure', 3, 4, 2]]);
      const empty = await kv.txn({ success: [{ type: 'put', key: 'noCompare', value: 'ran' }] });
      expect(empty.succeeded, 'no compares: success').toBe(true);
    },
  },
  {
    group,
    name: 'responses come in op order, one per op, without revisions',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['d', '4']]);
      const response = await kv.txn({
        success: [
          { type: 'range', key: 'a' },
          { type: 'put', key: 'b', value: '2', prevKv: true },
          { type: 'deleteRange', key: 'd', prevKv: true },
          { type: 'txn', txn: { success: [{ type: 'range', key: 'b', countOnly: true }] } },
          { type: 'put', key: 'a', value: '1b', prevKv: true },
        ],
      });
      expect(response.revision).toBe(4);
      expect(response.responses.map((r) => r.type)).toEqual(['range', 'put', 'deleteRange', 'txn', 'put']);
      const [range, put, del, nested, put2] = response.responses as any[];
      expect([tuples(range.kvs), range.count, range.more]).toEqual([[['a', '1', 2, 2, 1]], 1, false]);
      expect(put.prevKv, 'b did not exist').toBeUndefined();
      expect([del.deleted, tuples(del.prevKvs)]).toEqual([1, [['d', '4', 3, 3, 1]]]);
      expect(nested.succeeded).toBe(true);
      expect([nested.responses[0].type, nested.responses[0].count]).toEqual(['range', 1]);
      expect(tuple(put2.prevKv)).toEqual(['a', '1', 2, 2, 1]);
      for (const r of [range, put, del, nested, put2]) expect(r.revision, `${r.type} response carries no revision`).toBeUndefined();
    },
  },
  {
    group,
    name: 'reads inside a txn see its own earlier writes; an explicit old revision does not',
    async run({ kv }) {
      await putAll(kv, [['a', 'old'], ['b', 'old']]);
      const response = await kv.txn({
        success: [
          { type: 'put', key: 'a', value: 'new' },
          { type: 'range', key: 'a' },
          { type: 'deleteRange', key: 'b' },
          { type: 'range', key: 'a', end: 'z' },
          { type: 'range', key: 'a', end: 'z', revision: 3 },
        ],
      });
      expect(response.revision).toBe(4);
      const [, afterPut, , afterDelete, before] = response.responses as any[];
      expect(tuples(afterPut.kvs)).toEqual([['a', 'new', 2, 4, 2]]);
      expect([tuples(afterDelete.kvs), afterDelete.count]).toEqual([[['a', 'new', 2, 4, 2]], 1]);
      expect(tuples(before.kvs)).toEqual([['a', 'old', 2, 2, 1], ['b', 'old', 3, 3, 1]]);
    },
  },
  {
    group,
    name: "prevKv inside a txn sees the txn's earlier writes",
    async run({ kv }) {
      await putAll(kv, [['p', '1'], ['q', '2']]);
      const response = await kv.txn({
        success: [
          { type: 'txn', txn: { success: [{ type: 'put', key: 'x', value: 'in-txn' }] } },
          { type: 'txn', txn: { success: [{ type: 'deleteRange', key: 'x', prevKv: true }] } },
          { type: 'deleteRange', key: 'p', end: '\0' },
          { type: 'put', key: 'q', value: 'again', prevKv: true },
        ],
      });
      const [, second, deleted, put] = response.responses as any[];
      expect(tuples(second.responses[0].prevKvs)).toEqual([['x', 'in-txn', 4, 4, 1]]);
      expect(deleted.deleted).toBe(2);
      expect(put.prevKv, 'q was deleted earlier in the txn').toBeUndefined();
      expect(await everything(kv)).toEqual([['q', 'again', 4, 4, 1]]);
    },
  },
  {
    group,
    name: 'nested txn compares see the state before the txn, not the outer writes',
    async run({ kv }) {
      await kv.put('k', 'v1');
      const response = await kv.txn({
        success: [
          { type: 'put', key: 'k', value: 'v2' },
          {
            type: 'txn',
            txn: {
              compare: [{ key: 'k', target: 'value', result: '=', value: 'v1' }],
              success: [{ type: 'put', key: 'seen', value: 'v1' }],
              failure: [{ type: 'put', key: 'seen', value: 'v2' }],
            },
          },
          {
            type: 'txn',
            txn: {
              compare: [{ key: 'k', target: 'mod', result: '=', value: 2 }],
              success: [{ type: 'range', key: 'k' }],
            },
          },
        ],
      });
      const [, first, second] = response.responses as any[];
      expect(first.succeeded).toBe(true);
      expect(second.succeeded).toBe(true);
      expect(tuples(second.responses[0].kvs), 'but a nested range sees them').toEqual([['k', 'v2', 2, 3, 2]]);
      expect(await everything(kv)).toEqual([['k', 'v2', 2, 3, 2], ['seen', 'v1', 3, 3, 1]]);
    },
  },
  {
    group,
    name: 'DUPLICATE_KEY: a key put twice, or put inside a delete, in one branch (nested included)',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['b', '1']]);
      const put = (key: string): RequestOp => ({ type: 'put', key, value: 'x' });
      const del = (key: string, end?: string): RequestOp => (end === undefined ? { type: 'deleteRange', key } : { type: 'deleteRange', key, end });
      const nested = (success: RequestOp[], failure: RequestOp[] = []): RequestOp => ({ type: 'txn', txn: { success, failure } });
      const refused: [string, RequestOp[]][] = [
        ['the same key put twice', [put('a'), put('a')]],
        ['a put inside a deleted range', [del('a', 'c'), put('b')]],
        ['a put before a delete of its key', [put('b'), del('a', 'c')]],
        ['a put of a deleted key', [del('b'), put('b')]],
        ['a put and a nested put', [put('a'), nested([put('a')])]],
        ['puts in two nested txns', [nested([put('a')]), nested([], [put('a')])]],
        ['a delete and a nested put', [del('a', 'c'), nested([put('b')])]],
        ['a nested delete, then a nested put', [nested([del('a', 'c')]), nested([put('b')])]],
        ['a nested delete and a put', [nested([], [del('b')]), put('b')]],
        ['deeper nesting', [put('a'), nested([nested([put('a')])])]],
      ];
      for (const [what, ops] of refused) {
        await expectRefused(kv, () => kv.txn({ success: ops }), 'DUPLICATE_KEY', `success: ${what}`);
        await expectRefused(kv, () => kv.txn({ failure: ops }), 'DUPLICATE_KEY', `failure (not taken): ${what}`);
      }
    },
  },
  {
    group,
    name: 'not DUPLICATE_KEY: both branches, one nested txn\'s two branches, overlapping deletes, from-key deletes',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['b', '1']]);
      const put = (key: string): RequestOp => ({ type: 'put', key, value: 'x' });
      const accepted: [string, { success?: RequestOp[]; failure?: RequestOp[] }][] = [
        ['a key in both branches', { success: [put('a')], failure: [put('a')] }],
        ['both branches of one nested txn', { success: [{ type: 'txn', txn: { success: [put('a')], failure: [put('a')] } }] }],
        ['overlapping deletes', { success: [{ type: 'deleteRange', key: 'a', end: 'c' }, { type: 'deleteRange', key: 'b' }] }],
        ['a nested put, then a nested delete', { success: [{ type: 'txn', txn: { success: [put('a')] } }, { type: 'txn', txn: { success: [{ type: 'deleteRange', key: 'a' }] } }] }],
        ['a from-key delete and a put', { success: [{ type: 'deleteRange', key: 'a', end: '\0' }, put('b')] }],
        ['a delete with end before key and a put', { success: [{ type: 'deleteRange', key: 'c', end: 'b' }, put('b')] }],
      ];
      for (const [what, request] of accepted) {
        const before = kv.revision;
        const response = await kv.txn(request);
        expect(response.revision, what).toBe(before + 1);
      }
    },
  },
  {
    group,
    name: 'TOO_MANY_OPS: more than maxTxnOps compares or ops in a branch',
    timeout: 60_000,
    async run({ kv, options }) {
      const max = options.maxTxnOps;
      const puts = (n: number, prefix: string): RequestOp[] => Array.from({ length: n }, (_, i) => ({ type: 'put', key: `${prefix}${i}`, value: 'v' }));
      const compares = (n: number): Compare[] => Array.from({ length: n }, (_, i) => ({ key: `c${i}`, target: 'version', result: '=', value: 0 }));
      await kv.put('seed', '1');
      await expectRefused(kv, () => kv.txn({ success: puts(max + 1, 'p') }), 'TOO_MANY_OPS', 'success');
      await expectRefused(kv, () => kv.txn({ failure: puts(max + 1, 'f') }), 'TOO_MANY_OPS', 'failure');
      await expectRefused(kv, () => kv.txn({ compare: compares(max + 1) }), 'TOO_MANY_OPS', 'compare');
      await expectRefused(kv, () => kv.txn({ compare: compares(max + 1), success: [{ type: 'put', key: '', value: '' }] }), 'TOO_MANY_OPS', 'checked before the keys');
      const full = await kv.txn({ compare: compares(max), success: puts(max, 'p'), failure: puts(max, 'f') });
      expect([full.succeeded, full.revision, full.responses.length]).toEqual([true, 3, max]);
      expect((await kv.range('p', { prefix: true, countOnly: true })).count).toBe(max);
    },
  },
  {
    group,
    name: "TOO_MANY_OPS: a nested txn may use only what its parent's largest list leaves",
    timeout: 60_000,
    async run({ kv, options }) {
      const max = options.maxTxnOps;
      const puts = (n: number, prefix: string): RequestOp[] => Array.from({ length: n }, (_, i) => ({ type: 'put', key: `${prefix}${i}`, value: 'v' }));
      const inner = (n: number): RequestOp => ({ type: 'txn', txn: { success: puts(n, 'n') } });
      expect((await kv.txn({ success: [inner(max - 1)] })).revision, 'one op outside: max - 1 inside').toBe(2);
      await expectRefused(kv, () => kv.txn({ success: [inner(max)] }), 'TOO_MANY_OPS', 'max inside one op');
      await expectRefused(kv, () => kv.txn({ success: [...puts(3, 'o'), inner(max - 3)] }), 'TOO_MANY_OPS', 'four ops outside');
      expect((await kv.txn({ success: [...puts(3, 'o'), inner(max - 4)] })).revision).toBe(3);
      await expectRefused(kv, () => kv.txn({ failure: [inner(max)] }), 'TOO_MANY_OPS', 'in the branch not taken');
    },
  },
  {
    group,
    name: 'the empty key is refused anywhere in a txn, taken branch or not (INVALID_KEY)',
    async run({ kv }) {
      await kv.put('a', '1');
      await expectRefused(kv, () => kv.txn({ compare: [{ key: '', target: 'version', result: '=', value: 0 }] }), 'INVALID_KEY', 'compare');
      await expectRefused(kv, () => kv.txn({ success: [{ type: 'put', key: '', value: 'v' }] }), 'INVALID_KEY', 'put');
      await expectRefused(kv, () => kv.txn({ failure: [{ type: 'range', key: '' }] }), 'INVALID_KEY', 'range in failure');
      await expectRefused(kv, () => kv.txn({ success: [{ type: 'txn', txn: { failure: [{ type: 'deleteRange', key: '' }] } }] }), 'INVALID_KEY', 'nested');
    },
  },
  {
    group,
    name: 'an error in the chosen branch refuses the whole txn; the other branch is not checked against the store',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['b', '2']]);
      await kv.compact(2);
      const good: RequestOp = { type: 'put', key: 'written', value: 'never' };
      await expectRefused(kv, () => kv.txn({ success: [good, { type: 'put', key: 'c', value: 'v', lease: 7 }] }), 'LEASE_NOT_FOUND');
      await expectRefused(kv, () => kv.txn({ success: [good, { type: 'put', key: 'missing', value: '', ignoreValue: true }] }), 'KEY_NOT_FOUND');
      await expectRefused(kv, () => kv.txn({ success: [good, { type: 'range', key: 'a', revision: 99 }] }), 'FUTURE_REV');
      await expectRefused(kv, () => kv.txn({ success: [good, { type: 'range', key: 'a', revision: 1 }] }), 'COMPACTED');
      await expectRefused(kv, () => kv.txn({ success: [{ type: 'txn', txn: { success: [good, { type: 'put', key: 'c', value: 'v', lease: 7 }] } }] }), 'LEASE_NOT_FOUND', 'nested');
      await expectRefused(kv, () => kv.txn({ success: [good, { type: 'put', key: 'x', value: 'x', ignoreValue: true }] }), 'INVALID_ARGUMENT', 'ignoreValue with a value');
      await expectRefused(kv, () => kv.txn({ failure: [good, { type: 'put', key: 'x', value: '', ignoreLease: true, lease: 3 }] }), 'INVALID_ARGUMENT', 'ignoreLease with a lease, in the branch not taken');
      const response = await kv.txn({
        compare: [{ key: 'a', target: 'version', result: '=', value: 1 }],
        success: [{ type: 'put', key: 'ok', value: '1' }],
        failure: [
          { type: 'put', key: 'c', value: 'v', lease: 7 },
          { type: 'put', key: 'missing', value: '', ignoreValue: true },
          { type: 'range', key: 'a', revision: 99 },
        ],
      });
      expect([response.succeeded, response.revision]).toEqual([true, 4]);
      expect(keysOf((await kv.range('\0', { end: '\0' })).kvs)).toEqual(['a', 'b', 'ok']);
    },
  },
  {
    group,
    name: 'ignoreValue on a key an earlier from-key delete of the txn removed fails KEY_NOT_FOUND (etcd 3.4 panics)',
    async run({ kv }) {
      await putAll(kv, [['p', '1'], ['q', '2']]);
      // etcd's pre-checks see q before the txn, then its applier finds q deleted and panics.
      await expectRefused(
        kv,
        () => kv.txn({ success: [{ type: 'deleteRange', key: 'p', end: '\0' }, { type: 'put', key: 'q', value: '', ignoreValue: true }] }),
        'KEY_NOT_FOUND',
      );
      await expectRefused(
        kv,
        () => kv.txn({ success: [{ type: 'txn', txn: { success: [{ type: 'deleteRange', key: '\0', end: '\0' }] } }, { type: 'put', key: 'p', value: '', ignoreLease: true }] }),
        'KEY_NOT_FOUND',
      );
    },
  },
  {
    group,
    name: 'etcd checks every put of the chosen branches before any range',
    async run({ kv }) {
      await kv.put('a', '1');
      await expectRefused(
        kv,
        () => kv.txn({ success: [{ type: 'range', key: 'a', revision: 99 }, { type: 'put', key: 'missing', value: '', ignoreValue: true }] }),
        'KEY_NOT_FOUND',
      );
      await expectRefused(
        kv,
        () => kv.txn({ success: [{ type: 'range', key: 'a', revision: 99 }, { type: 'put', key: 'b', value: 'v', lease: 3 }] }),
        'LEASE_NOT_FOUND',
      );
    },
  },
];
