import { afterEach, describe, expect, it } from 'vitest';
import type { Compare, MvccStore, RequestOp } from '../src/index.js';
import { TestDisk } from './fixtures/mvcc-engine.js';
import { keys, openStore, plain, text } from './fixtures/mvcc-helpers.js';

let store: MvccStore;
afterEach(async () => store?.close());

async function seeded(): Promise<MvccStore> {
  ({ store } = await openStore());
  await store.put('a', '10'); // 2
  await store.put('b', '20'); // 3
  await store.put('a', '11'); // 4: a version 2, create 2, mod 4
  return store;
}

const put = (key: string, value: string): RequestOp => ({ type: 'put', key, value });

describe('txn compares', () => {
  it('every target × result on an existing key', async () => {
    await seeded();
    const cases: Array<[Compare, boolean]> = [
      [{ key: 'a', target: 'value', result: '=', value: '11' }, true],
      [{ key: 'a', target: 'value', result: '!=', value: '11' }, false],
      [{ key: 'a', target: 'value', result: '<', value: '2' }, true],
      [{ key: 'a', target: 'value', result: '>', value: '2' }, false],
      [{ key: 'a', target: 'version', result: '=', value: 2 }, true],
      [{ key: 'a', target: 'version', result: '>', value: 1 }, true],
      [{ key: 'a', target: 'version', result: '<', value: 2 }, false],
      [{ key: 'a', target: 'create', result: '=', value: 2 }, true],
      [{ key: 'a', target: 'create', result: '!=', value: 2 }, false],
      [{ key: 'a', target: 'mod', result: '=', value: 4 }, true],
      [{ key: 'a', target: 'mod', result: '<', value: 4 }, false],
      [{ key: 'a', target: 'mod', result: '>', value: 3 }, true],
      [{ key: 'a', target: 'lease', result: '=', value: 0 }, true],
      [{ key: 'a', target: 'lease', result: '>', value: 0 }, false],
    ];
    for (const [compare, expected] of cases) {
      const result = await store.txn({ compare: [compare] });
      expect(result.succeeded, JSON.stringify(compare)).toBe(expected);
      expect(result.revision).toBe(4);
    }
  });

  it('on a missing key a value compare is false, other targets compare against zero', async () => {
    await seeded();
    const on = async (compare: Compare) => (await store.txn({ compare: [compare] })).succeeded;
    expect(await on({ key: 'zz', target: 'value', result: '=', value: '' })).toBe(false);
    expect(await on({ key: 'zz', target: 'value', result: '!=', value: 'x' })).toBe(false);
    expect(await on({ key: 'zz', target: 'create', result: '=', value: 0 })).toBe(true);
    expect(await on({ key: 'zz', target: 'version', result: '=', value: 0 })).toBe(true);
    expect(await on({ key: 'zz', target: 'mod', result: '<', value: 1 })).toBe(true);
    expect(await on({ key: 'zz', target: 'lease', result: '=', value: 0 })).toBe(true);
  });

  it('a range compare needs every key in the range to hold', async () => {
    await seeded();
    const on = async (compare: Compare) => (await store.txn({ compare: [compare] })).succeeded;
    expect(await on({ key: 'a', end: 'c', target: 'version', result: '>', value: 0 })).toBe(true);
    expect(await on({ key: 'a', end: 'c', target: 'version', result: '=', value: 2 })).toBe(false);
    expect(await on({ key: 'a', prefix: true, target: 'value', result: '=', value: '11' })).toBe(true);
    expect(await on({ key: 'a', end: '\0', target: 'create', result: '>', value: 1 })).toBe(true);
    expect(await on({ key: 'x', end: 'z', target: 'create', result: '=', value: 0 })).toBe(true);
  });

  it('all compares must hold; success or failure ops run, responses in order', async () => {
    await seeded();
    const result = await store.txn({
      compare: [
        { key: 'a', target: 'value', result: '=', value: '11' },
        { key: 'b', target: 'value', result: '=', value: 'nope' },
      ],
      success: [put('s', '1')],
      failure: [put('f', '1'), { type: 'range', key: 'a' }, { type: 'deleteRange', key: 'b', prevKv: true }],
    });
    expect(result.succeeded).toBe(false);
    expect(result.revision).toBe(5);
    expect(result.responses.map((r) => r.type)).toEqual(['put', 'range', 'deleteRange']);
    const [, range, del] = result.responses;
    expect(range!.type === 'range' && keys(range.kvs)).toEqual(['a']);
    expect(del!.type === 'deleteRange' && del.deleted).toBe(1);
    expect(keys((await store.range('\0', { end: '\0' })).kvs)).toEqual(['a', 'f']);
  });
});

describe('txn revisions and visibility', () => {
  it('a txn uses one revision for all its changes, with sub-revisions in op order', async () => {
    ({ store } = await openStore());
    const seen: Array<[number, number, string, boolean]> = [];
    store.onCommit((commit) => {
      for (const change of commit.changes) seen.push([change.revision.main, change.revision.sub, text(change.kv.key), change.tombstone]);
    });
    await store.put('old', 'x');
    const result = await store.txn({ success: [put('k1', 'a'), put('k2', 'b'), { type: 'deleteRange', key: 'old' }] });
    expect(result.revision).toBe(3);
    expect(seen).toEqual([[2, 0, 'old', false], [3, 0, 'k1', false], [3, 1, 'k2', false], [3, 2, 'old', true]]);
    for (const k of ['k1', 'k2']) expect((await store.range(k)).kvs[0]!.modRevision).toBe(3);
  });

  it('a read-only txn, or one that changes nothing, uses no revision', async () => {
    await seeded();
    expect((await store.txn({ success: [{ type: 'range', key: 'a' }] })).revision).toBe(4);
    expect((await store.txn({ success: [{ type: 'deleteRange', key: 'zz' }] })).revision).toBe(4);
    expect((await store.txn({})).revision).toBe(4);
    expect(store.revision).toBe(4);
  });

  it('reads inside a txn see its earlier writes; nested compares see the state before the txn', async () => {
    await seeded();
    const result = await store.txn({
      success: [
        put('a', 'new'),
        { type: 'range', key: 'a' },
        {
          type: 'txn',
          txn: {
            compare: [{ key: 'a', target: 'value', result: '=', value: '11' }],
            success: [put('nested', 'saw-old')],
            failure: [put('nested', 'saw-new')],
          },
        },
        { type: 'range', key: 'nested' },
      ],
    });
    const [, range, nested, after] = result.responses;
    expect(range!.type === 'range' && plain(range.kvs[0]!)).toEqual({ key: 'a', value: 'new', create: 2, mod: 5, version: 3, lease: 0 });
    expect(nested).toMatchObject({ type: 'txn', succeeded: true, responses: [{ type: 'put' }] });
    expect(after!.type === 'range' && text(after.kvs[0]!.value)).toBe('saw-old');
  });

  it('put prevKv inside a txn sees the previous value; a range at an old revision reads history', async () => {
    await seeded();
    const result = await store.txn({ success: [{ type: 'put', key: 'a', value: 'x', prevKv: true }, { type: 'range', key: 'a', revision: 2 }] });
    const [p, r] = result.responses;
    expect(p!.type === 'put' && text(p.prevKv!.value)).toBe('11');
    expect(r!.type === 'range' && text(r.kvs[0]!.value)).toBe('10');
  });

  it('FUTURE_REV / COMPACTED / KEY_NOT_FOUND / LEASE_NOT_FOUND on the chosen branch fail the whole txn before anything runs', async () => {
    await seeded();
    await expect(store.txn({ success: [put('x', '1'), { type: 'range', key: 'a', revision: 9 }] })).rejects.toMatchObject({ code: 'FUTURE_REV' });
    await expect(store.txn({ success: [put('x', '1'), { type: 'put', key: 'nope', value: '', ignoreValue: true }] })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(store.txn({ success: [put('x', '1'), { type: 'put', key: 'y', value: '', lease: 7 }] })).rejects.toMatchObject({ code: 'LEASE_NOT_FOUND' });
    // The same op on the branch not taken is not checked.
    expect((await store.txn({ success: [put('x', '1')], failure: [{ type: 'range', key: 'a', revision: 99 }] })).revision).toBe(5);
    await store.compact(4);
    await expect(store.txn({ success: [put('y', '1'), { type: 'range', key: 'a', revision: 3 }] })).rejects.toMatchObject({ code: 'COMPACTED' });
    await expect(store.txn({ success: [{ type: 'range', key: 'a', revision: 3 }] })).rejects.toMatchObject({ code: 'COMPACTED' });
    expect(store.revision).toBe(5);
    expect(keys((await store.range('\0', { end: '\0' })).kvs)).toEqual(['a', 'b', 'x']);
  });

  it('a failure half way through leaves no partial state and uses no revision (injected engine read corruption)', async () => {
    const disk = new TestDisk();
    ({ store } = await openStore({ disk }));
    await store.put('a', '1');
    await store.put('b', '2');
    // Damage b's stored value; a txn that writes, then reads b with prevKv, must fail cleanly.
    const rev = disk.table('rev');
    const [id, [key, value]] = [...rev].find(([, [, v]]) => Buffer.from(v).toString('latin1').endsWith('b2'))!;
    const damaged = value.slice();
    damaged[damaged.length - 1]! ^= 1;
    rev.set(id, [key, damaged]);
    await expect(store.txn({ success: [put('c', '3'), { type: 'deleteRange', key: 'b', prevKv: true }] })).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(store.revision).toBe(3);
    expect(keys((await store.range('a', { end: 'b' })).kvs)).toEqual(['a']);
    expect((await store.range('c')).count).toBe(0);
    expect((await store.put('c', 'ok')).revision).toBe(4);
    expect((await store.range('c')).kvs[0]!.version).toBe(1);
  });
});

describe('txn validation', () => {
  it('DUPLICATE_KEY: a key put twice, or put inside a delete of the same branch, nested txns included', async () => {
    await seeded();
    const dup = (success: RequestOp[]) => expect(store.txn({ success })).rejects.toMatchObject({ code: 'DUPLICATE_KEY' });
    await dup([put('a', '1'), put('a', '2')]);
    await dup([{ type: 'deleteRange', key: 'a', end: 'c' }, put('b', '1')]);
    await dup([put('b', '1'), { type: 'deleteRange', key: 'b' }]);
    await dup([put('a', '1'), { type: 'txn', txn: { success: [put('a', '2')] } }]);
    await dup([{ type: 'deleteRange', key: 'a', prefix: true }, { type: 'txn', txn: { failure: [put('ab', '2')] } }]);
    await dup([{ type: 'txn', txn: { success: [{ type: 'deleteRange', key: 'q' }] } }, put('q', '1')]);
    await dup([{ type: 'txn', txn: { success: [put('k', '1')] } }, { type: 'txn', txn: { success: [put('k', '2')] } }]);
    expect(store.revision).toBe(4);
  });

  it('what etcd allows: a key in both branches, overlapping deletes, then/else of one nested txn, a from-key delete beside a put', async () => {
    await seeded();
    const ok = async (request: Parameters<MvccStore['txn']>[0]) => expect((await store.txn(request)).revision).toBeGreaterThan(0);
    await ok({ success: [put('x', '1')], failure: [put('x', '2')] });
    await ok({ success: [{ type: 'deleteRange', key: 'a', end: 'c' }, { type: 'deleteRange', key: 'b' }] });
    await ok({ success: [{ type: 'txn', txn: { success: [put('y', '1')], failure: [put('y', '2')] } }] });
    // etcd takes a range end literally here: "\0" is not "to the end" for duplicate checks.
    await ok({ success: [{ type: 'deleteRange', key: 'm', end: '\0' }, put('z', '1')] });
    // etcd 3.4 accepts a put in one nested txn and a delete of the same key in a later one.
    const sibling = await store.txn({ success: [{ type: 'txn', txn: { success: [put('k', '1')] } }, { type: 'txn', txn: { success: [{ type: 'deleteRange', key: 'k' }] } }] });
    expect(sibling.responses[1]).toMatchObject({ type: 'txn', responses: [{ type: 'deleteRange', deleted: 1 }] });
    expect((await store.range('k')).count).toBe(0);
  });

  it('TOO_MANY_OPS: more than maxTxnOps in compare, success or failure; nested txns share the budget', async () => {
    ({ store } = await openStore({ maxTxnOps: 4 }));
    const puts = (n: number) => Array.from({ length: n }, (_, i) => put(`k${i}`, 'v'));
    await expect(store.txn({ success: puts(5) })).rejects.toMatchObject({ code: 'TOO_MANY_OPS' });
    await expect(store.txn({ failure: puts(5) })).rejects.toMatchObject({ code: 'TOO_MANY_OPS' });
    const compares: Compare[] = Array.from({ length: 5 }, () => ({ key: 'a', target: 'version', result: '=', value: 0 }));
    await expect(store.txn({ compare: compares })).rejects.toMatchObject({ code: 'TOO_MANY_OPS' });
    // Two ops at the top leave 2 for the nested txn.
    await expect(store.txn({ success: [put('a', '1'), { type: 'txn', txn: { success: puts(3) } }] })).rejects.toMatchObject({ code: 'TOO_MANY_OPS' });
    expect((await store.txn({ success: puts(4) })).revision).toBe(2);
  });

  it('the default limit is 128', async () => {
    ({ store } = await openStore());
    const puts = (n: number) => Array.from({ length: n }, (_, i) => put(`k${i}`, 'v'));
    await expect(store.txn({ success: puts(129) })).rejects.toMatchObject({ code: 'TOO_MANY_OPS' });
    expect((await store.txn({ success: puts(128) })).revision).toBe(2);
  });
});

describe('txn concurrency', () => {
  it('compare-and-swap from many clients: exactly one wins each round', async () => {
    ({ store } = await openStore());
    await store.put('counter', '0');
    let wins = 0;
    for (let round = 0; round < 10; round++) {
      const { kvs } = await store.range('counter');
      const mod = kvs[0]!.modRevision;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.txn({ compare: [{ key: 'counter', target: 'mod', result: '=', value: mod }], success: [put('counter', `${round}-${i}`)] }),
        ),
      );
      wins += results.filter((r) => r.succeeded).length;
    }
    expect(wins).toBe(10);
    expect(store.revision).toBe(12);
  });
});
