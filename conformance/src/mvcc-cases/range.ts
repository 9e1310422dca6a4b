/**
 * range: which keys a request selects (single, [key, end), prefix, from-key), history
 * reads, COMPACTED / FUTURE_REV, limit / more / count / countOnly / keysOnly, every sort
 * target and order, and the min/max revision filters.
 */
import { expect } from 'vitest';
import type { KV, SortOrder, SortTarget } from '@tidekv/core';
import type { MvccCase } from '../mvcc-case.js';
import { bytes } from '../support/bytes.js';
import { expectRefused, keysOf, putAll, tuples } from '../support/mvcc.js';

const group = 'range';

/** Keys around the interesting byte boundaries, written in this order (revisions 2..11). */
const SELECTION_KEYS: Uint8Array[] = [
  bytes(0x00),
  bytes(0x61), // a
  bytes(0x61, 0x00),
  bytes(0x61, 0x62), // ab
  bytes(0x61, 0xff),
  bytes(0x61, 0xff, 0xff),
  bytes(0x62), // b
  bytes(0x62, 0x00),
  bytes(0xff),
  bytes(0xff, 0xff),
];

async function writeSelectionKeys(kv: KV): Promise<void> {
  await putAll(kv, SELECTION_KEYS.map((key) => [key, 'v'] as const));
}

const hexKeys = (kvs: { key: Uint8Array }[]) => kvs.map((kv) => Buffer.from(kv.key).toString('hex'));
const hexOf = (...keys: Uint8Array[]) => keys.map((k) => Buffer.from(k).toString('hex'));

/**
 * Four keys whose order differs by every sort target (revisions 2..7):
 *   a: value 3, create 4, mod 4, version 1
 *   b: value 5, create 3, mod 7, version 2
 *   c: value 2, create 5, mod 5, version 1
 *   d: value 0, create 2, mod 6, version 2
 */
async function writeSortKeys(kv: KV): Promise<void> {
  await putAll(kv, [['d', '1'], ['b', '4'], ['a', '3'], ['c', '2'], ['d', '0'], ['b', '5']]);
}

const SORTED: Record<SortTarget, Record<'ascend' | 'descend', string>> = {
  key: { ascend: 'abcd', descend: 'dcba' },
  // a and c tie at version 1, b and d at 2: ties keep key order in both directions.
  version: { ascend: 'acbd', descend: 'bdac' },
  create: { ascend: 'dbac', descend: 'cabd' },
  mod: { ascend: 'acdb', descend: 'bdca' },
  value: { ascend: 'dcab', descend: 'bacd' },
};

const sortCases: MvccCase[] = (['key', 'version', 'create', 'mod', 'value'] as const).flatMap((target) =>
  (['none', 'ascend', 'descend'] as const).map(
    (order: SortOrder): MvccCase => ({
      group,
      name: `sort by ${target}, order ${order}${order === 'none' && target !== 'key' ? ' (sorts ascending)' : ''}`,
      async run({ kv }) {
        await writeSortKeys(kv);
        const expected = SORTED[target][order === 'descend' ? 'descend' : 'ascend'].split('');
        const all = await kv.range('a', { end: 'e', sort: { target, order } });
        expect(keysOf(all.kvs)).toEqual(expected);
        expect(all.count).toBe(4);
        if (order === 'none' && target !== 'key') return; // with a limit: see the etcd 3.4 case below
        const limited = await kv.range('a', { end: 'e', sort: { target, order }, limit: 2 });
        expect(keysOf(limited.kvs), 'limit applies after sorting').toEqual(expected.slice(0, 2));
        expect([limited.more, limited.count]).toEqual([true, 4]);
      },
    }),
  ),
);

export const rangeCases: MvccCase[] = [
  {
    group,
    name: 'a single key, and a missing key',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['ab', '2'], ['b', '3']]);
      const one = await kv.range('a');
      expect(tuples(one.kvs)).toEqual([['a', '1', 2, 2, 1]]);
      expect([one.count, one.more, one.revision]).toEqual([1, false, 4]);
      expect(await kv.range('aa')).toEqual({ kvs: [], count: 0, more: false, revision: 4 });
    },
  },
  {
    group,
    name: '[key, end) includes key and excludes end',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      expect(hexKeys((await kv.range('a', { end: 'b' })).kvs)).toEqual(hexOf(...SELECTION_KEYS.slice(1, 6)));
      expect(hexKeys((await kv.range(bytes(0x61, 0x00), { end: bytes(0x61, 0xff) })).kvs)).toEqual(hexOf(SELECTION_KEYS[2]!, SELECTION_KEYS[3]!));
      expect((await kv.range('a', { end: 'b' })).count).toBe(5);
    },
  },
  {
    group,
    name: 'an end at or before the key selects nothing',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      expect(await kv.range('b', { end: 'b' })).toEqual({ kvs: [], count: 0, more: false, revision: 11 });
      expect(await kv.range('b', { end: 'a' })).toEqual({ kvs: [], count: 0, more: false, revision: 11 });
      expect((await kv.range(bytes(0x61, 0x00), { end: bytes(0x61) })).count).toBe(0);
    },
  },
  {
    group,
    name: 'prefix selects every key starting with the key',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      expect(hexKeys((await kv.range('a', { prefix: true })).kvs)).toEqual(hexOf(...SELECTION_KEYS.slice(1, 6)));
      expect(hexKeys((await kv.range('ab', { prefix: true })).kvs)).toEqual(hexOf(bytes(0x61, 0x62)));
      expect(hexKeys((await kv.range('b', { prefix: true })).kvs)).toEqual(hexOf(bytes(0x62), bytes(0x62, 0x00)));
    },
  },
  {
    group,
    name: 'prefix of a key ending in 0xFF drops the trailing 0xFF bytes before incrementing',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      // prefix a\xff = [a\xff, b): a\xff and a\xff\xff
      expect(hexKeys((await kv.range(bytes(0x61, 0xff), { prefix: true })).kvs)).toEqual(hexOf(bytes(0x61, 0xff), bytes(0x61, 0xff, 0xff)));
      expect(hexKeys((await kv.range(bytes(0x61, 0xff, 0xff), { prefix: true })).kvs)).toEqual(hexOf(bytes(0x61, 0xff, 0xff)));
    },
  },
  {
    group,
    name: 'prefix of an all-0xFF key is every key from it on',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      expect(hexKeys((await kv.range(bytes(0xff), { prefix: true })).kvs)).toEqual(hexOf(bytes(0xff), bytes(0xff, 0xff)));
      await kv.put(bytes(0xff, 0xff, 0x00), 'v');
      expect((await kv.range(bytes(0xff, 0xff), { prefix: true })).count).toBe(2);
    },
  },
  {
    group,
    name: 'end "\\0" selects every key from the key on',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      expect(hexKeys((await kv.range('b', { end: '\0' })).kvs)).toEqual(hexOf(...SELECTION_KEYS.slice(6)));
      expect(hexKeys((await kv.range(bytes(0x61, 0xff), { end: bytes(0x00) })).kvs)).toEqual(hexOf(...SELECTION_KEYS.slice(4)));
    },
  },
  {
    group,
    name: 'key "\\0" with end "\\0" selects every key, the key "\\0" included',
    async run({ kv }) {
      await writeSelectionKeys(kv);
      const all = await kv.range('\0', { end: '\0' });
      expect(hexKeys(all.kvs)).toEqual(hexOf(...SELECTION_KEYS));
      expect(all.count).toBe(SELECTION_KEYS.length);
      expect(hexKeys((await kv.range('\0')).kvs), 'without end: only the key "\\0"').toEqual(['00']);
    },
  },
  {
    group,
    name: 'the empty key is refused (INVALID_KEY)',
    async run({ kv }) {
      await kv.put('a', '1');
      await expectRefused(kv, () => kv.range(''), 'INVALID_KEY', 'range("")');
      await expectRefused(kv, () => kv.range(new Uint8Array(0), { end: '\0' }), 'INVALID_KEY', 'range(empty bytes, end "\\0")');
      await expectRefused(kv, () => kv.range('', { prefix: true }), 'INVALID_KEY', 'range("", prefix)');
    },
  },
  {
    group,
    name: 'reads at past revisions see that revision, with the current revision in the response',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['b', '1'], ['a', '2']]);
      await kv.deleteRange('b');
      await kv.put('c', '1');
      const at = async (revision: number) => {
        const response = await kv.range('a', { end: 'z', revision });
        expect(response.revision, 'the response carries the current revision').toBe(6);
        return tuples(response.kvs);
      };
      expect(await at(1)).toEqual([]);
      expect(await at(2)).toEqual([['a', '1', 2, 2, 1]]);
      expect(await at(3)).toEqual([['a', '1', 2, 2, 1], ['b', '1', 3, 3, 1]]);
      expect(await at(4)).toEqual([['a', '2', 2, 4, 2], ['b', '1', 3, 3, 1]]);
      expect(await at(5)).toEqual([['a', '2', 2, 4, 2]]);
      expect(await at(6)).toEqual([['a', '2', 2, 4, 2], ['c', '1', 6, 6, 1]]);
      expect(await at(0)).toEqual(await at(6));
    },
  },
  {
    group,
    name: 'a revision above the current one fails FUTURE_REV',
    async run({ kv }) {
      await kv.put('a', '1');
      await expectRefused(kv, () => kv.range('a', { revision: 3 }), 'FUTURE_REV');
      await expectRefused(kv, () => kv.range('a', { revision: 1000 }), 'FUTURE_REV');
      expect((await kv.range('a', { revision: 2 })).count).toBe(1);
    },
  },
  {
    group,
    name: 'a revision below the compact revision fails COMPACTED; at the compact revision reads work',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['a', '2'], ['a', '3']]);
      await kv.compact(3);
      await expectRefused(kv, () => kv.range('a', { revision: 2 }), 'COMPACTED');
      await expectRefused(kv, () => kv.range('a', { revision: 1 }), 'COMPACTED');
      expect(tuples((await kv.range('a', { revision: 3 })).kvs)).toEqual([['a', '2', 2, 3, 2]]);
      expect(tuples((await kv.range('a', { revision: 4 })).kvs)).toEqual([['a', '3', 2, 4, 3]]);
      expect(tuples((await kv.range('a')).kvs)).toEqual([['a', '3', 2, 4, 3]]);
    },
  },
  {
    group,
    name: 'limit: 0 means none; more is true only when kvs were cut; count ignores limit',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']]);
      const at = (limit: number) => kv.range('a', { end: 'z', limit });
      const summary = async (limit: number) => {
        const r = await at(limit);
        return { keys: keysOf(r.kvs), more: r.more, count: r.count };
      };
      expect(await summary(0)).toEqual({ keys: ['a', 'b', 'c', 'd', 'e'], more: false, count: 5 });
      expect(await summary(1)).toEqual({ keys: ['a'], more: true, count: 5 });
      expect(await summary(2)).toEqual({ keys: ['a', 'b'], more: true, count: 5 });
      expect(await summary(4)).toEqual({ keys: ['a', 'b', 'c', 'd'], more: true, count: 5 });
      expect(await summary(5)).toEqual({ keys: ['a', 'b', 'c', 'd', 'e'], more: false, count: 5 });
      expect(await summary(6)).toEqual({ keys: ['a', 'b', 'c', 'd', 'e'], more: false, count: 5 });
      const past = await kv.range('a', { end: 'z', limit: 2, revision: 4 });
      expect({ keys: keysOf(past.kvs), more: past.more, count: past.count }).toEqual({ keys: ['a', 'b'], more: true, count: 3 });
    },
  },
  {
    group,
    name: 'countOnly returns the count and no kvs, whatever the limit',
    async run({ kv }) {
      await putAll(kv, [['a', '1'], ['b', '2'], ['c', '3']]);
      expect(await kv.range('a', { end: 'z', countOnly: true })).toEqual({ kvs: [], count: 3, more: false, revision: 4 });
      expect(await kv.range('a', { end: 'z', countOnly: true, limit: 1 })).toEqual({ kvs: [], count: 3, more: false, revision: 4 });
      expect(await kv.range('a', { end: 'z', countOnly: true, revision: 2 })).toEqual({ kvs: [], count: 1, more: false, revision: 4 });
    },
  },
  {
    group,
    name: 'keysOnly returns empty values and every other field',
    async run({ kv }) {
      await putAll(kv, [['a', 'value-a'], ['b', 'value-b'], ['a', 'value-a2']]);
      const response = await kv.range('a', { end: 'z', keysOnly: true });
      expect(tuples(response.kvs)).toEqual([['a', '', 2, 4, 2], ['b', '', 3, 3, 1]]);
      for (const item of response.kvs) expect(item.value).toBeInstanceOf(Uint8Array);
    },
  },
  ...sortCases,
  {
    group,
    name: "order 'none' with a non-key target and a limit sorts only the first limit + 1 keys (as etcd 3.4)",
    async run({ kv }) {
      await writeSortKeys(kv);
      // etcd reads a, b, c (limit + 1 in key order), sorts those, then cuts to 2.
      const byCreate = await kv.range('a', { end: 'e', sort: { target: 'create', order: 'none' }, limit: 2 });
      expect([keysOf(byCreate.kvs), byCreate.more, byCreate.count]).toEqual([['b', 'a'], true, 4]);
      const byValue = await kv.range('a', { end: 'e', sort: { target: 'value' }, limit: 1 });
      expect([keysOf(byValue.kvs), byValue.more, byValue.count], 'a and b read, a has the lower value').toEqual([['a'], true, 4]);
      const filtered = await kv.range('a', { end: 'e', sort: { target: 'create' }, limit: 2, minCreateRevision: 2 });
      expect(keysOf(filtered.kvs), 'a filter makes etcd read every key').toEqual(['d', 'b']);
      const ascend = await kv.range('a', { end: 'e', sort: { target: 'create', order: 'ascend' }, limit: 2 });
      expect(keysOf(ascend.kvs), "order 'ascend' reads every key").toEqual(['d', 'b']);
    },
  },
  {
    group,
    name: 'descending key order with a limit returns the highest keys',
    async run({ kv }) {
      await writeSortKeys(kv);
      const r = await kv.range('a', { end: 'z', sort: { order: 'descend' }, limit: 3 });
      expect([keysOf(r.kvs), r.more, r.count]).toEqual([['d', 'c', 'b'], true, 4]);
    },
  },
  {
    group,
    name: 'min / max mod and create revision filters are inclusive; count ignores them',
    async run({ kv }) {
      await writeSortKeys(kv);
      const keys = async (options: Record<string, number>) => {
        const r = await kv.range('a', { end: 'z', ...options });
        expect(r.count, 'count ignores the filters').toBe(4);
        return keysOf(r.kvs).join('');
      };
      expect(await keys({ minModRevision: 6 })).toBe('bd');
      expect(await keys({ maxModRevision: 5 })).toBe('ac');
      expect(await keys({ minModRevision: 5, maxModRevision: 6 })).toBe('cd');
      expect(await keys({ minCreateRevision: 4 })).toBe('ac');
      expect(await keys({ maxCreateRevision: 3 })).toBe('bd');
      expect(await keys({ minCreateRevision: 3, maxCreateRevision: 4 })).toBe('ab');
      expect(await keys({ minModRevision: 5, maxCreateRevision: 4 })).toBe('bd');
      expect(await keys({ minModRevision: 8 })).toBe('');
      expect(await keys({ minModRevision: 0, maxModRevision: 0 })).toBe('abcd');
    },
  },
  {
    group,
    name: 'filters apply before limit, and more says whether the filtered list was cut',
    async run({ kv }) {
      await writeSortKeys(kv);
      const r1 = await kv.range('a', { end: 'z', minModRevision: 6, limit: 1 });
      expect([keysOf(r1.kvs), r1.more, r1.count]).toEqual([['b'], true, 4]);
      const r2 = await kv.range('a', { end: 'z', minCreateRevision: 4, limit: 2 });
      expect([keysOf(r2.kvs), r2.more, r2.count], 'two keys pass the filter: not cut').toEqual([['a', 'c'], false, 4]);
      const r3 = await kv.range('a', { end: 'z', maxModRevision: 6, limit: 2, sort: { target: 'mod', order: 'descend' } });
      expect([keysOf(r3.kvs), r3.more, r3.count]).toEqual([['d', 'c'], true, 4]);
    },
  },
];
