import { afterEach, describe, expect, it } from 'vitest';
import { MvccStore, isTidekvError, type TidekvErrorCode } from '../src/index.js';
import { TestEngine } from './fixtures/mvcc-engine.js';
import { openStore } from './fixtures/mvcc-helpers.js';

let store: MvccStore;
afterEach(async () => store?.close());

/** Runs `call`, expects a TidekvError with `code`, and checks nothing was written. */
async function refused(call: () => Promise<unknown>, code: TidekvErrorCode): Promise<void> {
  const revision = store.revision;
  const hash = await store.hashKV();
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(isTidekvError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  expect(store.revision).toBe(revision);
  expect(await store.hashKV()).toEqual(hash);
}

const any = (value: unknown) => value as never;

describe('MvccStore bad input', () => {
  it('keys: wrong types and the empty key', async () => {
    ({ store } = await openStore());
    await store.put('a', '1');
    for (const key of [any(undefined), any(null), any(1), any({}), any([1])]) {
      await refused(() => store.put(key, 'v'), 'INVALID_KEY');
      await refused(() => store.range(key), 'INVALID_KEY');
      await refused(() => store.deleteRange(key), 'INVALID_KEY');
    }
    await refused(() => store.put('', 'v'), 'INVALID_KEY');
    await refused(() => store.put(new Uint8Array(0), 'v'), 'INVALID_KEY');
    await refused(() => store.range(''), 'INVALID_KEY');
    await refused(() => store.deleteRange(''), 'INVALID_KEY');
    await refused(() => store.put('\ud800', 'v'), 'INVALID_KEY');
    await refused(() => store.range('a', { end: any(5) }), 'INVALID_ARGUMENT');
    await refused(() => store.txn({ compare: [{ key: '', target: 'version', result: '=', value: 0 }] }), 'INVALID_KEY');
    await refused(() => store.txn({ success: [{ type: 'put', key: '', value: 'v' }] }), 'INVALID_KEY');
    await refused(() => store.txn({ failure: [{ type: 'range', key: '' }] }), 'INVALID_KEY');
    await refused(() => store.txn({ success: [{ type: 'txn', txn: { success: [{ type: 'deleteRange', key: '' }] } }] }), 'INVALID_KEY');
  });

  it('values of the wrong type', async () => {
    ({ store } = await openStore());
    for (const value of [any(undefined), any(null), any(3), any({})]) await refused(() => store.put('k', value), 'INVALID_VALUE');
  });

  it('revisions, limits and leases: negative, fractional, unsafe or not numbers', async () => {
    ({ store } = await openStore());
    await store.put('a', '1');
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, any('1'), any(null)]) {
      await refused(() => store.range('a', { revision: bad }), 'INVALID_ARGUMENT');
      await refused(() => store.range('a', { limit: bad }), 'INVALID_ARGUMENT');
      await refused(() => store.range('a', { minModRevision: bad }), 'INVALID_ARGUMENT');
      await refused(() => store.put('a', 'v', { lease: bad }), 'INVALID_ARGUMENT');
      await refused(() => store.compact(bad), 'INVALID_ARGUMENT');
      await refused(() => store.hashKV(bad), 'INVALID_ARGUMENT');
      await refused(() => store.txn({ compare: [{ key: 'a', target: 'mod', result: '=', value: bad }] }), 'INVALID_ARGUMENT');
    }
  });

  it('options: not objects, unknown names, wrong types, end with prefix', async () => {
    ({ store } = await openStore());
    await refused(() => store.range('a', any(5)), 'INVALID_OPTION');
    await refused(() => store.range('a', any({ nope: true })), 'INVALID_OPTION');
    await refused(() => store.put('a', 'v', any({ prevkv: true })), 'INVALID_OPTION');
    await refused(() => store.deleteRange('a', any({ limit: 1 })), 'INVALID_OPTION');
    await refused(() => store.compact(1, any({ physcial: true })), 'INVALID_OPTION');
    await refused(() => store.range('a', { countOnly: any('yes') }), 'INVALID_ARGUMENT');
    await refused(() => store.range('a', { sort: { order: any('up') } }), 'INVALID_ARGUMENT');
    await refused(() => store.range('a', { sort: { target: any('size') } }), 'INVALID_ARGUMENT');
    await refused(() => store.range('a', { end: 'b', prefix: true }), 'INVALID_ARGUMENT');
    await refused(() => store.deleteRange('a', { end: 'b', prefix: true }), 'INVALID_ARGUMENT');
    await refused(() => store.txn({ compare: [{ key: 'a', end: 'b', prefix: true, target: 'version', result: '=', value: 0 }] }), 'INVALID_ARGUMENT');
  });

  it('ignoreValue with a value, ignoreLease with a lease', async () => {
    ({ store } = await openStore());
    await store.put('a', '1');
    await refused(() => store.put('a', 'v', { ignoreValue: true }), 'INVALID_ARGUMENT');
    await refused(() => store.put('a', '', { ignoreLease: true, lease: 3 }), 'INVALID_ARGUMENT');
    await refused(() => store.txn({ failure: [{ type: 'put', key: 'a', value: 'x', ignoreValue: true }] }), 'INVALID_ARGUMENT');
  });

  it('malformed txns', async () => {
    ({ store } = await openStore());
    await refused(() => store.txn(any(null)), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ compare: 'x' })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ succes: [] })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ success: [{ type: 'get', key: 'a' }] })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ success: [null] })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ compare: [{ key: 'a', target: 'size', result: '=', value: 1 }] })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ compare: [{ key: 'a', target: 'version', result: '~', value: 1 }] })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ compare: [{ key: 'a', target: 'value', result: '=', value: 1 }] })), 'INVALID_ARGUMENT');
    await refused(() => store.txn(any({ compare: [{ key: 'a', target: 'version', result: '=' }] })), 'INVALID_ARGUMENT');
    // A bad op anywhere fails the whole txn before anything runs.
    await refused(() => store.txn(any({ success: [{ type: 'put', key: 'ok', value: 'v' }, { type: 'put', key: 'x', value: 5 }] })), 'INVALID_VALUE');
  });

  it('records too large for the engine or the WAL are refused before anything changes', async () => {
    ({ store } = await openStore());
    await refused(() => store.put('big', new Uint8Array(1 << 20)), 'VALUE_TOO_LARGE');
    await refused(() => store.txn({ success: [{ type: 'put', key: 'a', value: 'v' }, { type: 'put', key: 'big', value: new Uint8Array(1 << 20) }] }), 'VALUE_TOO_LARGE');
    expect((await store.range('a')).count).toBe(0);
  });

  it('MvccStore.open validates every option before opening anything', async () => {
    const engine = new TestEngine();
    const bad: unknown[] = [
      undefined,
      { engine },
      { engine, wal: true },
      { engine, wal: {} },
      { engine, wal: { dir: '' } },
      { engine, wal: { dir: '/tmp/x', nope: 1 } },
      { engine, wal: { dir: '/tmp/x', sync: 'sometimes' } },
      { engine, wal: { dir: '/tmp/x', checkpointBytes: 0 } },
      { engine: {}, wal: false },
      { engine, wal: false, extra: 1 },
      { engine, wal: false, maxTxnOps: 0 },
      { engine, wal: false, maxTxnOps: 1.5 },
      { engine, wal: false, compactor: { mode: 'hourly', retention: 1 } },
      { engine, wal: false, compactor: { mode: 'revision', retention: 0 } },
      { engine, wal: false, compactor: { mode: 'revision', retention: 5, clock: {} } },
      { engine, wal: false, watch: { clock: { now: () => 0 } } },
      { engine, wal: false, watch: { progressIntervalMs: 0 } },
      { engine, wal: false, lease: { clock: null } },
    ];
    for (const options of bad) {
      await expect(MvccStore.open(options as never), JSON.stringify(options, (k, v) => (k === 'engine' ? '<engine>' : v))).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      });
    }
    expect(engine.disk.writes).toBe(0);
    ({ store } = await openStore());
  });
});
