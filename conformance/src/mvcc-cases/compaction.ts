/**
 * compact: etcd's TestKVCompactBad and TestKVCompactReserveLastValue sequences, the
 * reference's key-index and compaction examples, and reads at or above the compact revision
 * that stay the same before, during and after the physical removal.
 */
import { expect } from 'vitest';
import type { KV } from '@tidekv/core';
import type { MvccCase } from '../mvcc-case.js';
import { everything, expectRefused, putAll, tuples, type KvTuple } from '../support/mvcc.js';

const group = 'compaction';

/** Every read a later check compares: the whole store at each revision from `from` to current. */
export async function readsFrom(kv: KV, from: number): Promise<KvTuple[][]> {
  const out: KvTuple[][] = [];
  for (let rev = Math.max(from, 1); rev <= kv.revision; rev++) out.push(await everything(kv, rev));
  return out;
}

/** A deterministic history over 8 keys with puts, overwrites, deletes and txns. */
export async function writeHistory(kv: KV, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    const key = `key${(i * 7) % 8}`;
    if (i % 5 === 3) await kv.deleteRange(key);
    else if (i % 11 === 6) await kv.txn({ success: [{ type: 'put', key: `key${i % 8}`, value: `t${i}` }, { type: 'deleteRange', key: `key${(i + 1) % 8}` }] });
    else await kv.put(key, `v${i}`);
  }
}

export const compactionCases: MvccCase[] = [
  {
    group,
    name: "etcd's TestKVCompactBad: compact 0, 1 ok; 1 again COMPACTED; 4 ok; 5 and 100 FUTURE_REV",
    async run({ kv }) {
      await putAll(kv, [['foo', 'bar0'], ['foo', 'bar1'], ['foo', 'bar2']]);
      expect((await kv.compact(0)).revision).toBe(4);
      expect(kv.compactRevision).toBe(0);
      expect((await kv.compact(1)).revision).toBe(4);
      expect(kv.compactRevision).toBe(1);
      await expectRefused(kv, () => kv.compact(1), 'COMPACTED', 'compact(1) again');
      expect((await kv.compact(4)).revision).toBe(4);
      expect(kv.compactRevision).toBe(4);
      await expectRefused(kv, () => kv.compact(5), 'FUTURE_REV', 'compact(5)');
      await expectRefused(kv, () => kv.compact(100), 'FUTURE_REV', 'compact(100)');
      await expectRefused(kv, () => kv.compact(3), 'COMPACTED', 'compact(3) below the compact revision');
      expect(kv.revision, 'compaction uses no revision').toBe(4);
    },
  },
  {
    group,
    name: "etcd's TestKVCompactReserveLastValue: put, put, delete, put, then compact 1..4, reading at compact + 1",
    async run({ kv }) {
      await kv.put('foo', 'bar0');
      await kv.put('foo', 'bar1');
      await kv.deleteRange('foo');
      await kv.put('foo', 'bar2');
      // etcd's test attaches leases 1, 2, 3 through a fake lessor; without leases they are 0 here.
      const expected: [number, KvTuple[]][] = [
        [1, [['foo', 'bar0', 2, 2, 1]]],
        [2, [['foo', 'bar1', 2, 3, 2]]],
        [3, []],
        [4, [['foo', 'bar2', 5, 5, 1]]],
      ];
      for (const [rev, kvs] of expected) {
        await kv.compact(rev);
        expect(tuples((await kv.range('foo', { revision: rev + 1 })).kvs), `after compact(${rev})`).toEqual(kvs);
      }
    },
  },
  {
    group,
    name: 'the key-index example: generations {2,4,6t}{8,10,12t}{14,15.1,16t}{} read at every revision',
    async run({ kv }) {
      // 'k' changes at 2, 4, 6 (delete), 8, 10, 12 (delete), 14, 15.1, 16 (delete); 'other' fills the rest.
      const plan: Record<number, 'put' | 'del'> = { 2: 'put', 4: 'put', 6: 'del', 8: 'put', 10: 'put', 12: 'del', 14: 'put', 16: 'del' };
      for (let rev = 2; rev <= 17; rev++) {
        let response: { revision: number };
        if (rev === 15) {
          response = await kv.txn({ success: [{ type: 'put', key: 'other', value: `${rev}` }, { type: 'put', key: 'k', value: '15.1' }] });
        } else if (plan[rev] === 'put') response = await kv.put('k', `${rev}`);
        else if (plan[rev] === 'del') response = await kv.deleteRange('k');
        else response = await kv.put('other', `${rev}`);
        expect(response.revision).toBe(rev);
      }
      const get = async (rev: number) => tuples((await kv.range('k', { revision: rev })).kvs);
      expect(await get(5)).toEqual([['k', '4', 2, 4, 2]]);
      for (const rev of [6, 7, 12, 13, 16, 17]) expect(await get(rev), `get(${rev})`).toEqual([]);
      expect(await get(15)).toEqual([['k', '15.1', 14, 15, 2]]);
      expect(await get(11)).toEqual([['k', '10', 8, 10, 2]]);
    },
  },
  {
    group,
    name: 'the compaction example (put, put, delete, put, delete; one revision later since a store starts at 1)',
    async run({ kv }) {
      await kv.put('k', 'p1'); // 2
      await kv.put('k', 'p2'); // 3
      await kv.deleteRange('k'); // 4
      await kv.put('k', 'p4'); // 5
      await kv.deleteRange('k'); // 6
      await kv.put('other', 'x'); // 7
      const at = async (rev: number) => tuples((await kv.range('k', { revision: rev })).kvs);
      await kv.compact(3); // keeps {3,4t}{5,6t}{}
      expect([await at(3), await at(4), await at(5), await at(6)]).toEqual([[['k', 'p2', 2, 3, 2]], [], [['k', 'p4', 5, 5, 1]], []]);
      await kv.compact(5); // keeps {5,6t}{}
      expect([await at(5), await at(6)]).toEqual([[['k', 'p4', 5, 5, 1]], []]);
      await kv.compact(6); // keeps {6t}{}
      expect(await at(6)).toEqual([]);
      await kv.compact(7); // the key is gone
      expect(await at(7)).toEqual([]);
      expect(await everything(kv)).toEqual([['other', 'x', 7, 7, 1]]);
      expect((await kv.put('k', 'new')).revision).toBe(8);
      expect(tuples((await kv.range('k')).kvs)).toEqual([['k', 'new', 8, 8, 1]]);
    },
  },
  {
    group,
    name: 'compacting at the current revision keeps every key',
    async run({ kv }) {
      await writeHistory(kv, 40);
      const before = await everything(kv);
      await kv.compact(kv.revision, { physical: true });
      expect(await everything(kv)).toEqual(before);
      expect(kv.compactRevision).toBe(kv.revision);
      await expectRefused(kv, () => kv.range('key0', { revision: kv.revision - 1 }), 'COMPACTED');
    },
  },
  {
    group,
    name: 'reads at and above the compact revision are the same before and after physical compaction',
    timeout: 120_000,
    async run({ kv }) {
      await writeHistory(kv, 120);
      const compactAt = 60;
      const before = await readsFrom(kv, compactAt);
      const response = await kv.compact(compactAt, { physical: true });
      expect(response.revision).toBe(kv.revision);
      expect(await readsFrom(kv, compactAt)).toEqual(before);
      for (const rev of [1, 30, compactAt - 1]) await expectRefused(kv, () => kv.range('key1', { revision: rev }), 'COMPACTED', `read at ${rev}`);
    },
  },
  {
    group,
    name: 'reads stay the same while the physical removal runs (compact without waiting)',
    timeout: 120_000,
    async run({ kv }) {
      await writeHistory(kv, 600);
      const compactAt = 500;
      const expected = await readsFrom(kv, compactAt);
      await kv.compact(compactAt);
      for (let round = 0; round < 20; round++) {
        expect(await everything(kv, compactAt), `round ${round}: at the compact revision`).toEqual(expected[0]);
        expect(await everything(kv), `round ${round}: current`).toEqual(expected.at(-1));
      }
      expect(await readsFrom(kv, compactAt)).toEqual(expected);
      expect(kv.compactRevision).toBe(compactAt);
      await kv.put('after', 'compaction');
      expect((await kv.range('after')).kvs.length).toBe(1);
    },
  },
];
