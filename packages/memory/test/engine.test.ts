import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EPHEMERAL_CAPABILITIES,
  MAX_KEY_SIZE,
  MAX_VALUE_SIZE,
  PERSISTENT_CAPABILITIES,
  memoryEngine,
  openMemory,
} from '../src/index.js';
import { b, expectCode, tempDir } from './helpers.js';

describe('openMemory options', () => {
  it('rejects options that are not an object, unknown options and bad paths (INVALID_OPTION)', async () => {
    for (const bad of [null, 7, 'dir', [], { path: '' }, { path: 5 }, { path: 'a\0b' }, { dir: '/tmp' }]) {
      await expectCode(() => openMemory(bad as never), 'INVALID_OPTION');
    }
  });

  it('fails INVALID_OPTION when the path exists as a file (one code on every adapter)', async () => {
    const file = join(await tempDir(), 'plain-file');
    await writeFile(file, 'x');
    await expectCode(() => openMemory({ path: file }), 'INVALID_OPTION');
  });

  it('creates missing parent directories for path', async () => {
    const dir = join(await tempDir(), 'a', 'b', 'c');
    const engine = await openMemory({ path: dir });
    await engine.keyspace('default').put(b(1), b(2));
    await engine.close();
    const again = await openMemory({ path: dir });
    expect(await again.keyspace('default').get(b(1))).toEqual(b(2));
    await again.close();
  });
});

describe('capabilities', () => {
  it('declares ephemeral capabilities on the factory and on an engine without path', async () => {
    expect(memoryEngine.name).toBe('memory');
    expect(memoryEngine.capabilities).toBe(EPHEMERAL_CAPABILITIES);
    expect(EPHEMERAL_CAPABILITIES).toEqual({ persistent: false, syncReads: true, snapshots: true, maxKeySize: MAX_KEY_SIZE, maxValueSize: MAX_VALUE_SIZE });
    const engine = await memoryEngine.open({});
    expect(engine.capabilities).toBe(EPHEMERAL_CAPABILITIES);
    await engine.close();
    expect(engine.capabilities).toBe(EPHEMERAL_CAPABILITIES);
  });

  it('declares persistent capabilities on an engine with path, before and after close', async () => {
    const engine = await memoryEngine.open({ path: await tempDir() });
    expect(engine.capabilities).toBe(PERSISTENT_CAPABILITIES);
    expect(PERSISTENT_CAPABILITIES.persistent).toBe(true);
    await engine.close();
    expect(engine.capabilities).toBe(PERSISTENT_CAPABILITIES);
    expect(Object.isFrozen(PERSISTENT_CAPABILITIES)).toBe(true);
  });

  it('enforces its key and value limits exactly', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    await ks.put(new Uint8Array(MAX_KEY_SIZE), b(1));
    await expectCode(() => ks.put(new Uint8Array(MAX_KEY_SIZE + 1), b(1)), 'KEY_TOO_LARGE');
    await expectCode(() => ks.get(new Uint8Array(MAX_KEY_SIZE + 1)), 'KEY_TOO_LARGE');
    await expectCode(() => ks.put(b(1), new Uint8Array(MAX_VALUE_SIZE + 1)), 'VALUE_TOO_LARGE');
    expect(ks.getSync!(new Uint8Array(MAX_KEY_SIZE))).toEqual(b(1));
    await engine.close();
  });
});

describe('byte ownership', () => {
  it('keeps its own copy of written keys and values', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    const key = b(1, 2);
    const value = b(3, 4);
    await ks.put(key, value);
    const batchKey = b(5);
    const batchValue = b(6);
    await engine.write([{ type: 'put', key: batchKey, value: batchValue }]);
    key[0] = 9;
    value[0] = 9;
    batchKey[0] = 9;
    batchValue[0] = 9;
    expect(await ks.get(b(1, 2))).toEqual(b(3, 4));
    expect(await ks.get(b(5))).toEqual(b(6));
    expect(await ks.get(b(9, 2))).toBeUndefined();
    await engine.close();
  });

  it('keeps its own copy of large Buffer values too (Buffer#slice would share memory)', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    const large = Buffer.alloc(10_000, 1);
    await ks.put(b(1), large);
    await engine.write([{ type: 'put', key: b(2), value: large }]);
    await ks.put(b(3), Buffer.alloc(5_000, 1));
    await ks.put(b(3), large); // replaces an out-of-line value with another
    large.fill(2);
    for (const key of [b(1), b(2), b(3)]) expect(Buffer.from((await ks.get(key))!).equals(Buffer.alloc(10_000, 1))).toBe(true);
    const read = (await ks.get(b(1)))!;
    read.fill(3);
    expect((await ks.get(b(1)))![0]).toBe(1);
    await engine.close();
  });

  it('hands out copies: changing a returned key or value never changes the store', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(10, 11));
    ks.getSync!(b(1))![0] = 99;
    (await ks.get(b(1)))![0] = 99;
    (await ks.getMany([b(1)]))[0]![0] = 99;
    for (const [k, v] of ks.iterateSync!()) (k[0] = 99), (v[0] = 99);
    for await (const [k, v] of ks.iterate()) (k[0] = 99), (v[0] = 99);
    const snapshot = engine.snapshot!();
    snapshot.keyspace('default').getSync!(b(1))![0] = 99;
    expect(await snapshot.keyspace('default').get(b(1))).toEqual(b(10, 11));
    expect(await ks.get(b(1))).toEqual(b(10, 11));
    expect([...ks.iterateSync!()]).toEqual([[b(1), b(10, 11)]]);
    await engine.close();
  });

  it('a returned array cannot detach the shared slab: later reads keep working', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    await ks.put(b(1), b(1, 2, 3));
    const value = (await ks.get(b(1)))!;
    try {
      structuredClone(value, { transfer: [value.buffer as ArrayBuffer] });
    } catch {
      // Node versions differ: the transfer throws, or the slab is cloned instead of moved
    }
    expect(value).toEqual(b(1, 2, 3));
    expect(await ks.get(b(1))).toEqual(b(1, 2, 3));
    await engine.close();
  });

  it('returns plain Uint8Arrays whose bytes are their own, even when small copies share a slab', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    const big = new Uint8Array(10_000).fill(7);
    await ks.put(b(1), b(1, 1));
    await ks.put(b(2), b(2, 2, 2));
    await ks.put(b(3), big);
    const [one, two, three] = await ks.getMany([b(1), b(2), b(3)]);
    expect(one!.constructor).toBe(Uint8Array);
    expect([one!.byteLength, two!.byteLength, three!.byteLength]).toEqual([2, 3, 10_000]);
    one!.fill(0);
    expect(two).toEqual(b(2, 2, 2));
    expect(three).toEqual(big);
    await engine.close();
  });
});

describe('keyspaces and writes', () => {
  it('makes a keyspace exist on first use and keeps returning the same object', async () => {
    const engine = await openMemory();
    expect(engine.keyspace('fresh')).toBe(engine.keyspace('fresh'));
    expect(await engine.keyspace('fresh').get(b(1))).toBeUndefined();
    expect(() => engine.keyspace('no/slash')).toThrow(expect.objectContaining({ code: 'INVALID_KEYSPACE' }));
    await engine.close();
  });

  it('applies a write to a keyspace never opened through keyspace()', async () => {
    const engine = await openMemory();
    await engine.write([
      { type: 'put', keyspace: 'later', key: b(1), value: b(1) },
      { type: 'del', keyspace: 'never-seen', key: b(1) },
      { type: 'delRange', keyspace: 'never-seen-either', range: {} },
    ]);
    expect(await engine.keyspace('later').get(b(1))).toEqual(b(1));
    await engine.close();
  });

  it('deletes small and large ranges, reading keys removed whichever way it takes', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    const all = () => [...ks.iterateSync!()].map(([k]) => (k[0]! << 8) | k[1]!);
    await engine.write(Array.from({ length: 1000 }, (_, i) => ({ type: 'put' as const, key: b(i >> 8, i & 0xff), value: b(i & 0xff) })));
    await ks.clear({ gte: b(0, 10), lt: b(0, 20) }); // few keys: deleted one by one
    await ks.clear({ gt: b(1, 0), lte: b(3, 0) }); // most keys: the tree is rebuilt from survivors
    const expected = [...Array(1000).keys()].filter((i) => !(i >= 10 && i < 20) && !(i > 256 && i <= 768));
    expect(all()).toEqual(expected);
    await ks.clear({ gt: b(3, 0), lt: b(3, 0) }); // crossed: nothing
    await ks.clear({ limit: 0, reverse: true }); // limit and reverse do not apply to clear
    expect(all()).toEqual([]);
    await engine.close();
  });
});

describe('snapshots and iterators see a frozen state', () => {
  it('a snapshot keeps its view through thousands of later writes, deletes and clears', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    await engine.write(Array.from({ length: 2000 }, (_, i) => ({ type: 'put' as const, key: b(i >> 8, i & 0xff), value: b(1) })));
    const snapshot = engine.snapshot!();
    for (let i = 0; i < 2000; i += 2) await ks.put(b(i >> 8, i & 0xff), b(2));
    for (let i = 1; i < 2000; i += 4) await ks.del(b(i >> 8, i & 0xff));
    await ks.put(b(0xff), b(3));
    const view = snapshot.keyspace('default');
    const seen = [...view.iterateSync!()];
    expect(seen.length).toBe(2000);
    expect(seen.every(([, v]) => v[0] === 1)).toBe(true);
    await ks.clear();
    expect((await view.iterate().all()).length).toBe(2000);
    expect(await view.get(b(0xff))).toBeUndefined();
    expect(await snapshot.keyspace('created-later').get(b(1))).toBeUndefined();
    await snapshot.close();
    await expectCode(() => view.get(b(1)), 'NOT_OPEN');
    await engine.close();
  });

  it('an async iterator reads the state of its creation while the keyspace changes under it', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    for (let i = 0; i < 600; i++) await ks.put(b(i >> 8, i & 0xff), b(0));
    const iterator = ks.iterate();
    const first = await iterator.nextv(100);
    await ks.clear();
    for (let i = 0; i < 600; i++) await ks.put(b(i >> 8, i & 0xff, 1), b(1));
    const rest = await iterator.all();
    expect(first.length + rest.length).toBe(600);
    expect([...first, ...rest].every(([k, v]) => k.length === 2 && v[0] === 0)).toBe(true);
    await engine.close();
  });

  it('a sync iterable fails NOT_OPEN when its engine closes part-way through', async () => {
    const engine = await openMemory();
    const ks = engine.keyspace('default');
    for (let i = 0; i < 600; i++) await ks.put(b(i >> 8, i & 0xff), b(0));
    const iterator = ks.iterateSync!()[Symbol.iterator]();
    expect(iterator.next().done).toBe(false);
    await engine.close();
    let error: unknown;
    try {
      for (let r = iterator.next(); !r.done; r = iterator.next());
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'NOT_OPEN' });
  });
});
