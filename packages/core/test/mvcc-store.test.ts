import { afterEach, describe, expect, it } from 'vitest';
import type { MvccStore } from '../src/index.js';
import { keys, openStore, plain, text } from './fixtures/mvcc-helpers.js';

let store: MvccStore;
afterEach(async () => store?.close());

async function fresh(): Promise<MvccStore> {
  ({ store } = await openStore());
  return store;
}

describe('MvccStore revisions', () => {
  it('a new store is at revision 1 with no compaction; the first write gets 2', async () => {
    await fresh();
    expect(store.revision).toBe(1);
    expect(store.compactRevision).toBe(-1);
    expect(await store.put('foo', 'bar')).toEqual({ revision: 2 });
    expect(store.revision).toBe(2);
  });

  it('create, mod and version through put, put, delete, put', async () => {
    await fresh();
    await store.put('k', 'v1');
    await store.put('k', 'v1'); // same value: still a new revision and version
    expect((await store.range('k')).kvs.map(plain)).toEqual([{ key: 'k', value: 'v1', create: 2, mod: 3, version: 2, lease: 0 }]);
    expect(await store.deleteRange('k')).toEqual({ deleted: 1, revision: 4 });
    expect(await store.range('k')).toEqual({ kvs: [], count: 0, more: false, revision: 4 });
    await store.put('k', 'v2');
    expect((await store.range('k')).kvs.map(plain)).toEqual([{ key: 'k', value: 'v2', create: 5, mod: 5, version: 1, lease: 0 }]);
  });

  it('a delete that matches nothing uses no revision', async () => {
    await fresh();
    await store.put('a', '1');
    expect(await store.deleteRange('b')).toEqual({ deleted: 0, revision: 2 });
    expect(await store.deleteRange('a', { end: 'a' })).toEqual({ deleted: 0, revision: 2 });
    expect(await store.deleteRange('x', { prevKv: true })).toEqual({ deleted: 0, revision: 2, prevKvs: [] });
    expect(store.revision).toBe(2);
  });

  it('deleteRange writes one tombstone per live key in key order, all in one revision', async () => {
    await fresh();
    for (const k of ['a', 'b', 'c', 'd']) await store.put(k, k);
    await store.deleteRange('b');
    const result = await store.deleteRange('a', { end: 'z', prevKv: true });
    expect(result.deleted).toBe(3);
    expect(result.revision).toBe(7);
    expect(result.prevKvs!.map(plain).map((kv) => kv.key)).toEqual(['a', 'c', 'd']);
    expect((await store.range('a', { end: '\0' })).count).toBe(0);
  });

  it('concurrent writers get strictly increasing revisions, each reported once', async () => {
    await fresh();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(`k${i % 7}`, String(i))));
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(store.revision).toBe(51);
  });

  it('put prevKv returns the previous KeyValue, absent for a new key', async () => {
    await fresh();
    expect(await store.put('a', '1', { prevKv: true })).toEqual({ revision: 2 });
    const second = await store.put('a', '2', { prevKv: true });
    expect(plain(second.prevKv!)).toEqual({ key: 'a', value: '1', create: 2, mod: 2, version: 1, lease: 0 });
  });

  it('ignoreValue keeps the value; on a missing key it fails KEY_NOT_FOUND and uses no revision', async () => {
    await fresh();
    await expect(store.put('a', '', { ignoreValue: true })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(store.put('a', 'v', { ignoreLease: true })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(store.revision).toBe(1);
    await store.put('a', 'keep');
    await store.put('a', '', { ignoreValue: true });
    expect((await store.range('a')).kvs.map(plain)).toEqual([{ key: 'a', value: 'keep', create: 2, mod: 3, version: 2, lease: 0 }]);
  });

  it('a put with a lease fails LEASE_NOT_FOUND until leases exist', async () => {
    await fresh();
    await expect(store.put('a', 'v', { lease: 5 })).rejects.toMatchObject({ code: 'LEASE_NOT_FOUND' });
    expect(store.revision).toBe(1);
  });

  it('keys and values accept strings and bytes; results are bytes, and later changes to the input do not leak in', async () => {
    await fresh();
    const key = new Uint8Array([0, 1, 2]);
    const value = new Uint8Array([255, 0]);
    await store.put(key, value);
    key[0] = 9;
    value[0] = 9;
    const [kv] = (await store.range(new Uint8Array([0, 1, 2]))).kvs;
    expect(kv!.key).toEqual(new Uint8Array([0, 1, 2]));
    expect(kv!.value).toEqual(new Uint8Array([255, 0]));
    await store.put('ключ', 'значение');
    expect(text((await store.range('ключ')).kvs[0]!.value)).toBe('значение');
  });
});

describe('MvccStore range', () => {
  async function abc(): Promise<void> {
    await fresh();
    for (const k of ['a', 'ab', 'abc', 'b', 'c']) await store.put(k, `v-${k}`);
  }

  it('single key, [a, b), prefix, from-key and all keys', async () => {
    await abc();
    expect(keys((await store.range('ab')).kvs)).toEqual(['ab']);
    expect(keys((await store.range('a', { end: 'b' })).kvs)).toEqual(['a', 'ab', 'abc']);
    expect(keys((await store.range('ab', { prefix: true })).kvs)).toEqual(['ab', 'abc']);
    expect(keys((await store.range('b', { end: '\0' })).kvs)).toEqual(['b', 'c']);
    expect(keys((await store.range('\0', { end: '\0' })).kvs)).toEqual(['a', 'ab', 'abc', 'b', 'c']);
    expect((await store.range('b', { end: 'a' })).kvs).toEqual([]);
    expect((await store.range('b', { end: 'b' })).kvs).toEqual([]);
  });

  it('prefix with trailing 0xFF bytes, and an all-0xFF prefix (everything from it on)', async () => {
    await fresh();
    await store.put(new Uint8Array([1, 0xff]), 'x');
    await store.put(new Uint8Array([1, 0xff, 3]), 'y');
    await store.put(new Uint8Array([2]), 'z');
    await store.put(new Uint8Array([0xff, 0xff]), 'w');
    await store.put(new Uint8Array([0xff, 0xff, 1]), 'v');
    expect((await store.range(new Uint8Array([1, 0xff]), { prefix: true })).count).toBe(2);
    expect((await store.range(new Uint8Array([0xff]), { prefix: true })).count).toBe(2);
    expect((await store.range(new Uint8Array([0xff, 0xff]), { prefix: true })).count).toBe(2);
  });

  it('history reads return that revision; the response revision is the current one', async () => {
    await fresh();
    await store.put('k', '1');
    await store.put('k', '2');
    await store.deleteRange('k');
    await store.put('k', '3');
    const at = async (revision: number) => (await store.range('k', { revision })).kvs.map((kv) => text(kv.value));
    expect(await at(1)).toEqual([]);
    expect(await at(2)).toEqual(['1']);
    expect(await at(3)).toEqual(['2']);
    expect(await at(4)).toEqual([]);
    expect(await at(5)).toEqual(['3']);
    expect((await store.range('k', { revision: 2 })).revision).toBe(5);
    await expect(store.range('k', { revision: 6 })).rejects.toMatchObject({ code: 'FUTURE_REV' });
  });

  it('limit, more and count; countOnly; keysOnly', async () => {
    await abc();
    const limited = await store.range('a', { end: '\0', limit: 2 });
    expect(keys(limited.kvs)).toEqual(['a', 'ab']);
    expect(limited.count).toBe(5);
    expect(limited.more).toBe(true);
    expect((await store.range('a', { end: '\0', limit: 5 })).more).toBe(false);
    expect(await store.range('a', { end: '\0', countOnly: true })).toEqual({ kvs: [], count: 5, more: false, revision: 6 });
    const keysOnly = await store.range('a', { end: 'b', keysOnly: true });
    expect(keysOnly.kvs.map((kv) => [text(kv.key), kv.value.length])).toEqual([['a', 0], ['ab', 0], ['abc', 0]]);
    expect(keysOnly.kvs[0]!.modRevision).toBe(2);
  });

  it('every sort target and order, etcd defaults included', async () => {
    await fresh();
    await store.put('a', 'z');
    await store.put('b', 'y');
    await store.put('c', 'x');
    await store.put('a', 'w');
    await store.put('a', 'v');
    await store.put('b', 'u');
    // a: version 3, create 2, mod 6, value v; b: version 2, create 3, mod 7, value u; c: version 1, create 4, mod 4, value x
    type Order = 'none' | 'ascend' | 'descend';
    type Target = 'key' | 'version' | 'create' | 'mod' | 'value';
    const sorted = async (order: Order, target: Target) =>
      keys((await store.range('a', { end: '\0', sort: { order, target } })).kvs).join('');
    // The key order each sort gives (order 'none' ascends when the target is not the key, as in etcd).
    const expected: Record<Target, Partial<Record<Order, string>>> = {
      key: { none: 'abc', ascend: 'abc', descend: 'cba' },
      version: { none: 'cba', ascend: 'cba', descend: 'abc' },
      create: { ascend: 'abc', descend: 'cba' },
      mod: { ascend: 'cab', descend: 'bac' },
      value: { ascend: 'bac', descend: 'cab' },
    };
    for (const [target, orders] of Object.entries(expected) as [Target, Partial<Record<Order, string>>][]) {
      for (const [order, keyOrder] of Object.entries(orders) as [Order, string][]) expect(await sorted(order, target), `${order} ${target}`).toBe(keyOrder);
    }
    const top = await store.range('a', { end: '\0', sort: { order: 'descend', target: 'mod' }, limit: 1 });
    expect(keys(top.kvs)).toEqual(['b']);
    expect(top.more).toBe(true);
    expect(top.count).toBe(3);
  });

  it("a non-key target with order 'none' and a limit sorts only the first limit + 1 keys, as etcd", async () => {
    await fresh();
    await store.put('a', '3');
    await store.put('b', '2');
    await store.put('c', '1');
    const result = await store.range('a', { end: '\0', sort: { target: 'value' }, limit: 1 });
    expect(keys(result.kvs)).toEqual(['b']);
    expect(result.more).toBe(true);
  });

  it('min/max mod and create revision filters are inclusive, apply before limit, and leave count alone', async () => {
    await fresh();
    for (const k of ['a', 'b', 'c', 'd']) await store.put(k, k); // mods 2..5
    await store.put('a', 'again'); // a: create 2, mod 6
    const filtered = async (options: object) => keys((await store.range('a', { end: '\0', ...options })).kvs).join('');
    expect(await filtered({ minModRevision: 4 })).toBe('acd');
    expect(await filtered({ maxModRevision: 4 })).toBe('bc');
    expect(await filtered({ minCreateRevision: 3, maxCreateRevision: 4 })).toBe('bc');
    expect(await filtered({ minModRevision: 4, limit: 1 })).toBe('a');
    const result = await store.range('a', { end: '\0', minModRevision: 4, limit: 2 });
    expect(result.count).toBe(4);
    expect(result.more).toBe(true);
  });

  it('reads see one revision even while writers run', async () => {
    await fresh();
    for (let i = 0; i < 20; i++) await store.put(`k${String(i).padStart(2, '0')}`, '0');
    const writers = Promise.all(Array.from({ length: 40 }, (_, i) => store.put(`k${String(i % 20).padStart(2, '0')}`, String(i + 1))));
    const reads = await Promise.all(Array.from({ length: 10 }, () => store.range('k', { prefix: true })));
    await writers;
    for (const read of reads) {
      expect(read.count).toBe(20);
      for (const kv of read.kvs) expect(kv.modRevision).toBeLessThanOrEqual(read.revision);
    }
  });
});

describe('MvccStore reopen', () => {
  it('rebuilds the index and revision from the engine; the revision never goes backwards', async () => {
    const { store: first, disk } = await openStore();
    await first.put('a', '1');
    await first.put('b', '2');
    await first.deleteRange('a');
    await first.put('a', '3');
    const before = await first.range('\0', { end: '\0' });
    const hash = await first.hashKV();
    await first.close();
    ({ store } = await openStore({ disk }));
    expect(store.revision).toBe(5);
    expect(await store.range('\0', { end: '\0' })).toEqual(before);
    expect(await store.hashKV()).toEqual(hash);
    expect((await store.range('a', { revision: 4 })).kvs).toEqual([]);
    expect(text((await store.range('a', { revision: 3 })).kvs[0]!.value)).toBe('1');
    expect((await store.put('c', '4')).revision).toBe(6);
  });

  it('operations after close fail NOT_OPEN; close is idempotent', async () => {
    const opened = await openStore();
    await opened.store.close();
    await opened.store.close();
    for (const call of [
      () => opened.store.put('a', 'b'),
      () => opened.store.range('a'),
      () => opened.store.deleteRange('a'),
      () => opened.store.txn({}),
      () => opened.store.compact(1),
      () => opened.store.hashKV(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'NOT_OPEN' });
    }
  });

  it('close waits for commits already made', async () => {
    const opened = await openStore();
    const writes = Array.from({ length: 20 }, (_, i) => opened.store.put(`k${i}`, 'v'));
    await opened.store.close();
    expect((await Promise.all(writes)).at(-1)!.revision).toBe(21);
    ({ store } = await openStore({ disk: opened.disk }));
    expect(store.revision).toBe(21);
  });
});
