/**
 * put and deleteRange: prevKv, ignoreValue / ignoreLease, leases (none exist yet: any
 * non-zero lease is LEASE_NOT_FOUND), one tombstone per deleted key, the deleted count.
 */
import { expect } from 'vitest';
import type { MvccCase } from '../mvcc-case.js';
import { everything, expectRefused, keysOf, putAll, tuple, tuples } from '../support/mvcc.js';

const group = 'put and deleteRange';

export const putDeleteCases: MvccCase[] = [
  {
    group,
    name: 'put returns prevKv only when asked and when the key existed',
    async run({ kv }) {
      expect(await kv.put('a', '1', { prevKv: true })).toEqual({ revision: 2 });
      const second = await kv.put('a', '2', { prevKv: true });
      expect(second.revision).toBe(3);
      expect(tuple(second.prevKv!)).toEqual(['a', '1', 2, 2, 1]);
      expect(await kv.put('a', '3')).toEqual({ revision: 4 });
      expect(await kv.put('a', '4', { prevKv: false })).toEqual({ revision: 5 });
      await kv.deleteRange('a');
      expect(await kv.put('a', 'again', { prevKv: true }), 'no prevKv after a delete').toEqual({ revision: 7 });
    },
  },
  {
    group,
    name: 'deleteRange returns prevKvs in key order only when asked',
    async run({ kv }) {
      await putAll(kv, [['c', '3'], ['a', '1'], ['b', '2'], ['a', '1b']]);
      const response = await kv.deleteRange('a', { end: 'c', prevKv: true });
      expect(response.deleted).toBe(2);
      expect(response.revision).toBe(6);
      expect(tuples(response.prevKvs!)).toEqual([['a', '1b', 3, 5, 2], ['b', '2', 4, 4, 1]]);
      expect(await kv.deleteRange('c')).toEqual({ deleted: 1, revision: 7 });
      expect(await kv.deleteRange('missing', { prevKv: true })).toEqual({ deleted: 0, revision: 7, prevKvs: [] });
    },
  },
  {
    group,
    name: 'deleteRange writes one tombstone per live key, in one revision',
    async run({ kv }) {
      await putAll(kv, [['k1', 'a'], ['k2', 'b'], ['k3', 'c'], ['k2', 'b2']]);
      await kv.deleteRange('k2');
      const response = await kv.deleteRange('k', { prefix: true });
      expect(response).toEqual({ deleted: 2, revision: 7 });
      expect(await everything(kv)).toEqual([]);
      expect(keysOf((await kv.range('k', { prefix: true, revision: 6 })).kvs)).toEqual(['k1', 'k3']);
      await kv.put('k1', 'new');
      expect(tuple((await kv.range('k1')).kvs[0]!), 'a re-created key starts a new generation').toEqual(['k1', 'new', 8, 8, 1]);
    },
  },
  {
    group,
    name: 'deleteRange over [key, end), prefix and from-key counts what it deleted',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['ab', '2'], ['b', '3'], ['c', '4'], ['d', '5']]);
      expect((await kv.deleteRange('a', { end: 'a' })).deleted, '[a, a) is empty').toBe(0);
      expect((await kv.deleteRange('b', { end: 'a' })).deleted, 'end before key').toBe(0);
      expect(kv.revision).toBe(6);
      expect(await kv.deleteRange('a', { prefix: true })).toEqual({ deleted: 2, revision: 7 });
      expect(await kv.deleteRange('c', { end: '\0' })).toEqual({ deleted: 2, revision: 8 });
      expect(await everything(kv)).toEqual([['b', '3', 4, 4, 1]]);
    },
  },
  {
    group,
    name: 'ignoreValue keeps the value and makes a new revision',
    async run({ kv }) {
      await kv.put('k', 'kept');
      const response = await kv.put('k', '', { ignoreValue: true, prevKv: true });
      expect(response.revision).toBe(3);
      expect(tuple(response.prevKv!)).toEqual(['k', 'kept', 2, 2, 1]);
      expect(tuple((await kv.range('k')).kvs[0]!)).toEqual(['k', 'kept', 2, 3, 2]);
      expect((await kv.put('k', new Uint8Array(0), { ignoreLease: true })).revision).toBe(4);
      expect(tuple((await kv.range('k')).kvs[0]!)).toEqual(['k', '', 2, 4, 3]);
      expect((await kv.range('k')).kvs[0]!.lease).toBe(0);
    },
  },
  {
    group,
    name: 'ignoreValue / ignoreLease on a missing key fail KEY_NOT_FOUND',
    async run({ kv }) {
      await kv.put('other', '1');
      await expectRefused(kv, () => kv.put('missing', '', { ignoreValue: true }), 'KEY_NOT_FOUND');
      await expectRefused(kv, () => kv.put('missing', 'v', { ignoreLease: true }), 'KEY_NOT_FOUND');
      await kv.put('gone', '1');
      await kv.deleteRange('gone');
      await expectRefused(kv, () => kv.put('gone', '', { ignoreValue: true }), 'KEY_NOT_FOUND', 'ignoreValue on a deleted key');
    },
  },
  {
    group,
    name: 'ignoreValue with a value, or ignoreLease with a lease, fail INVALID_ARGUMENT',
    async run({ kv }) {
      await kv.put('k', '1');
      await expectRefused(kv, () => kv.put('k', 'x', { ignoreValue: true }), 'INVALID_ARGUMENT');
      await expectRefused(kv, () => kv.put('k', '', { ignoreLease: true, lease: 5 }), 'INVALID_ARGUMENT');
    },
  },
  {
    group,
    name: 'a put with a lease that does not exist fails LEASE_NOT_FOUND; lease 0 means none',
    async run({ kv }) {
      await expectRefused(kv, () => kv.put('k', '1', { lease: 1 }), 'LEASE_NOT_FOUND');
      await expectRefused(kv, () => kv.put('k', '1', { lease: 2 ** 40 }), 'LEASE_NOT_FOUND');
      expect((await kv.put('k', '1', { lease: 0 })).revision).toBe(2);
      expect((await kv.range('k')).kvs[0]!.lease).toBe(0);
    },
  },
  {
    group,
    name: 'the empty key is refused by put and deleteRange (INVALID_KEY)',
    async run({ kv }) {
      await kv.put('a', '1');
      await expectRefused(kv, () => kv.put('', 'v'), 'INVALID_KEY');
      await expectRefused(kv, () => kv.put(new Uint8Array(0), 'v'), 'INVALID_KEY');
      await expectRefused(kv, () => kv.deleteRange(''), 'INVALID_KEY');
      await expectRefused(kv, () => kv.deleteRange('', { end: '\0' }), 'INVALID_KEY');
    },
  },
  {
    group,
    name: 'empty values are stored and returned as empty bytes',
    async run({ kv }) {
      await kv.put('e', '');
      const got = (await kv.range('e')).kvs[0]!;
      expect(got.value).toBeInstanceOf(Uint8Array);
      expect(tuple(got)).toEqual(['e', '', 2, 2, 1]);
    },
  },
];
