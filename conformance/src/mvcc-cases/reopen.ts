/** close + open of the same directory: every revision, the compact revision and the next revision survive. */
import { expect } from 'vitest';
import { needsReopen, type MvccCase } from '../mvcc-case.js';
import { everything, expectRefused, tuples } from '../support/mvcc.js';

const group = 'reopen';

export const reopenCases: MvccCase[] = [
  {
    group,
    name: 'reads at every revision are the same after reopen',
    skip: needsReopen,
    async run(ctx) {
      for (let i = 0; i < 30; i++) {
        if (i % 6 === 5) await ctx.kv.deleteRange(`k${i % 4}`, { end: `k${(i % 4) + 2}` });
        else if (i % 7 === 3) await ctx.kv.txn({ success: [{ type: 'put', key: `t${i}`, value: `${i}` }, { type: 'put', key: `k${i % 4}`, value: `t${i}` }] });
        else await ctx.kv.put(`k${i % 4}`, `v${i}`);
      }
      const before = [];
      for (let rev = 1; rev <= ctx.kv.revision; rev++) before.push(await everything(ctx.kv, rev));
      const revision = ctx.kv.revision;
      await ctx.reopen();
      expect(ctx.kv.revision).toBe(revision);
      expect(ctx.kv.compactRevision).toBe(-1);
      const after = [];
      for (let rev = 1; rev <= ctx.kv.revision; rev++) after.push(await everything(ctx.kv, rev));
      expect(after).toEqual(before);
    },
  },
  {
    group,
    name: 'the compact revision survives reopen and still refuses older reads',
    skip: needsReopen,
    async run(ctx) {
      for (let i = 0; i < 10; i++) await ctx.kv.put('k', `${i}`);
      await ctx.kv.compact(6, { physical: true });
      await ctx.reopen();
      expect(ctx.kv.compactRevision).toBe(6);
      await expectRefused(ctx.kv, () => ctx.kv.range('k', { revision: 5 }), 'COMPACTED');
      await expectRefused(ctx.kv, () => ctx.kv.compact(6), 'COMPACTED');
      expect(tuples((await ctx.kv.range('k', { revision: 6 })).kvs)).toEqual([['k', '4', 2, 6, 5]]);
    },
  },
  {
    group,
    name: 'versions and create revisions continue after reopen',
    skip: needsReopen,
    async run(ctx) {
      await ctx.kv.put('k', '1');
      await ctx.kv.put('k', '2');
      await ctx.reopen();
      await ctx.kv.put('k', '3');
      expect(tuples((await ctx.kv.range('k')).kvs)).toEqual([['k', '3', 2, 4, 3]]);
      await ctx.kv.deleteRange('k');
      await ctx.reopen();
      await ctx.kv.put('k', '4');
      expect(tuples((await ctx.kv.range('k')).kvs)).toEqual([['k', '4', 6, 6, 1]]);
    },
  },
];
