/**
 * Revisions: a new store is at revision 1; every change uses exactly one main revision,
 * a request that changes nothing uses none, and revisions never go backwards.
 */
import { expect } from 'vitest';
import { needsReopen, type MvccCase } from '../mvcc-case.js';
import { everything, tuple, tuples } from '../support/mvcc.js';

const group = 'revisions';

export const revisionCases: MvccCase[] = [
  {
    group,
    name: 'a new store is at revision 1, never compacted; the first write gets 2',
    async run({ kv }) {
      expect(kv.revision).toBe(1);
      expect(kv.compactRevision).toBe(-1);
      expect(await kv.range('a')).toEqual({ kvs: [], count: 0, more: false, revision: 1 });
      expect((await kv.put('a', '1')).revision).toBe(2);
      expect((await kv.put('b', '1')).revision).toBe(3);
      expect(kv.revision).toBe(3);
    },
  },
  {
    group,
    name: 'createRevision, modRevision and version through put, put, delete, put',
    async run({ kv }) {
      await kv.put('foo', 'bar0');
      await kv.put('foo', 'bar1');
      expect((await kv.deleteRange('foo')).revision).toBe(4);
      await kv.put('foo', 'bar2');
      expect(tuples((await kv.range('foo', { revision: 2 })).kvs)).toEqual([['foo', 'bar0', 2, 2, 1]]);
      expect(tuples((await kv.range('foo', { revision: 3 })).kvs)).toEqual([['foo', 'bar1', 2, 3, 2]]);
      expect((await kv.range('foo', { revision: 4 })).kvs).toEqual([]);
      expect(tuples((await kv.range('foo')).kvs)).toEqual([['foo', 'bar2', 5, 5, 1]]);
    },
  },
  {
    group,
    name: 'a put of an identical value still makes a new revision and version + 1',
    async run({ kv }) {
      await kv.put('k', 'same');
      const { revision } = await kv.put('k', 'same');
      expect(revision).toBe(3);
      expect(tuple((await kv.range('k')).kvs[0]!)).toEqual(['k', 'same', 2, 3, 2]);
    },
  },
  {
    group,
    name: 'a txn with several changes uses one revision; all its puts carry it',
    async run({ kv }) {
      await kv.put('c', 'old');
      const response = await kv.txn({
        success: [
          { type: 'put', key: 'a', value: '1' },
          { type: 'put', key: 'b', value: '2' },
          { type: 'deleteRange', key: 'c' },
        ],
      });
      expect(response.revision).toBe(3);
      expect(kv.revision).toBe(3);
      expect(await everything(kv)).toEqual([
        ['a', '1', 3, 3, 1],
        ['b', '2', 3, 3, 1],
      ]);
      expect(await everything(kv, 2)).toEqual([['c', 'old', 2, 2, 1]]);
    },
  },
  {
    group,
    name: 'requests that change nothing use no revision',
    async run({ kv }) {
      await kv.put('a', '1');
      expect(await kv.deleteRange('missing')).toEqual({ deleted: 0, revision: 2 });
      expect((await kv.deleteRange('x', { end: 'z' })).revision).toBe(2);
      expect((await kv.txn({})).revision).toBe(2);
      expect((await kv.txn({ success: [{ type: 'range', key: 'a' }] })).revision).toBe(2);
      expect((await kv.txn({ success: [{ type: 'deleteRange', key: 'missing' }] })).revision).toBe(2);
      expect((await kv.txn({ compare: [{ key: 'a', target: 'version', result: '=', value: 7 }], success: [{ type: 'put', key: 'a', value: '2' }] })).revision).toBe(2);
      expect((await kv.range('a')).revision).toBe(2);
      expect(kv.revision).toBe(2);
      expect((await kv.put('b', '1')).revision).toBe(3);
    },
  },
  {
    group,
    name: 'the revision property follows every acknowledged write',
    async run({ kv }) {
      for (let i = 0; i < 20; i++) {
        const { revision } = i % 3 === 2 ? await kv.deleteRange(`k${i - 1}`) : await kv.put(`k${i}`, `${i}`);
        expect(kv.revision).toBe(revision);
        expect(revision).toBe(i + 2);
      }
    },
  },
  {
    group,
    name: 'revisions continue after reopen, even when every key was deleted and compacted',
    skip: needsReopen,
    async run(ctx) {
      await ctx.kv.put('a', '1');
      await ctx.kv.put('b', '2');
      await ctx.kv.deleteRange('\0', { end: '\0' });
      await ctx.kv.compact(4);
      await ctx.reopen();
      expect(ctx.kv.revision).toBe(4);
      expect(ctx.kv.compactRevision).toBe(4);
      expect(await everything(ctx.kv)).toEqual([]);
      expect((await ctx.kv.put('c', '3')).revision).toBe(5);
      await ctx.reopen();
      expect(ctx.kv.revision).toBe(5);
      expect(tuples((await ctx.kv.range('c')).kvs)).toEqual([['c', '3', 5, 5, 1]]);
    },
  },
];
