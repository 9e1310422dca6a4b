/**
 * delRange inside write() (a read of the range plus one delete per key, in one batch) and
 * clear(): checked against a model, and for atomicity against concurrent writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, inRange, normalizeRange, type Range, type StorageEngine, type WriteOp } from '@tidekv/core';
import { openLevel } from '@tidekv/level';
import { bytes, tempDir, text } from './temp-dir.js';

const seed = Number(process.env.TIDEKV_SEED ?? Date.now());
console.log('fast-check seed', seed);

const KEYSPACES = ['default', 'other'] as const;
const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');

/** keyspace -> hex key -> value */
type Model = Map<string, Map<string, Uint8Array>>;

function applyToModel(model: Model, ops: WriteOp[]): void {
  for (const op of ops) {
    const ks = model.get(op.keyspace ?? 'default')!;
    if (op.type === 'put') ks.set(hex(op.key), op.value);
    else if (op.type === 'del') ks.delete(hex(op.key));
    else {
      const range = normalizeRange({ ...op.range, limit: undefined });
      for (const key of [...ks.keys()]) if (inRange(Buffer.from(key, 'hex'), range)) ks.delete(key);
    }
  }
}

async function contents(engine: StorageEngine, name: string): Promise<[string, string][]> {
  return (await engine.keyspace(name).iterate().all()).map(([k, v]) => [hex(k), hex(v)]);
}

function modelContents(model: Model, name: string): [string, string][] {
  return [...model.get(name)!]
    .map(([k, v]): [string, string] => [k, hex(v)])
    .sort((a, b) => compareBytes(Buffer.from(a[0], 'hex'), Buffer.from(b[0], 'hex')));
}

// A small key alphabet so ranges, overwrites and deletes hit each other often.
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3, min: 0, max: 3 });
const valueArb = fc.uint8Array({ minLength: 0, maxLength: 4 });
const keyspaceArb = fc.constantFrom(...KEYSPACES);
const rangeArb: fc.Arbitrary<Range> = fc.record(
  { gt: keyArb, gte: keyArb, lt: keyArb, lte: keyArb, prefix: keyArb, reverse: fc.boolean(), limit: fc.nat(3) },
  { requiredKeys: [] },
);
const opArb: fc.Arbitrary<WriteOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('put' as const), keyspace: keyspaceArb, key: keyArb, value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('del' as const), keyspace: keyspaceArb, key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('delRange' as const), keyspace: keyspaceArb, range: rangeArb }) },
);

describe('delRange and clear', () => {
  it('match a model over random batches in two keyspaces (delRange ignores limit and reverse)', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (batches) => {
          await engine.write(KEYSPACES.map((keyspace) => ({ type: 'delRange' as const, keyspace, range: {} })));
          const model: Model = new Map(KEYSPACES.map((k) => [k, new Map()]));
          for (const batch of batches) {
            await engine.write(batch);
            applyToModel(model, batch);
          }
          for (const name of KEYSPACES) expect(await contents(engine, name)).toEqual(modelContents(model, name));
        }),
        { seed, numRuns: 60 },
      );
    } finally {
      await engine.close();
    }
  });

  it('deletes keys put earlier in the same batch, and keeps keys put after the delRange', async () => {
    const engine = await openLevel({ path: tempDir() });
    await engine.write([
      { type: 'put', key: bytes('a'), value: bytes('1') },
      { type: 'put', keyspace: 'other', key: bytes('a'), value: bytes('other') },
      { type: 'delRange', range: { gte: bytes('a'), lt: bytes('c') } },
      { type: 'put', key: bytes('b'), value: bytes('2') },
    ]);
    expect((await contents(engine, 'default')).map(([k, v]) => [text(Buffer.from(k, 'hex')), text(Buffer.from(v, 'hex'))])).toEqual([['b', '2']]);
    expect(text(await engine.keyspace('other').get(bytes('a')))).toBe('other');
    await engine.close();
  });

  it('clear ignores limit and reverse and removes the whole range', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: bytes(`k${i}`), value: bytes('v') })));
    await ks.clear({ gte: bytes('k2'), lt: bytes('k8'), limit: 1, reverse: true });
    expect((await ks.iterate().all()).map(([k]) => text(k))).toEqual(['k0', 'k1', 'k8', 'k9']);
    await ks.clear({ limit: 0 });
    expect(await ks.iterate().all()).toEqual([]);
    await engine.close();
  });

  it('clear rejects a bad range with INVALID_RANGE and deletes nothing', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    await ks.put(bytes('a'), bytes('1'));
    for (const bad of [null, 'a', { gt: 'a' }, { limit: -1 }, { bogus: true }]) {
      await expect(ks.clear(bad as never)).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    }
    expect(text(await ks.get(bytes('a')))).toBe('1');
    await engine.close();
  });

  it('is atomic against concurrent writes: a racing batch lands wholly before or wholly after', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    for (let round = 0; round < 40; round++) {
      await ks.clear();
      await engine.write(Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: bytes(`k${String(i).padStart(2, '0')}`), value: bytes('old') })));
      // Overwrites an existing key and adds a new one, both inside the range being deleted.
      const racing: WriteOp[] = [
        { type: 'put', key: bytes('k00'), value: bytes('new') },
        { type: 'put', key: bytes('k99'), value: bytes('new') },
      ];
      const clearFirst = round % 2 === 0;
      const writes = clearFirst ? [ks.clear(), engine.write(racing)] : [engine.write(racing), ks.clear()];
      await Promise.all(writes);
      const left = (await ks.iterate().all()).map(([k, v]) => `${text(k)}=${text(v)}`);
      expect(left, `round ${round}`).toEqual(clearFirst ? ['k00=new', 'k99=new'] : []);
    }
    await engine.close();
  });
});
