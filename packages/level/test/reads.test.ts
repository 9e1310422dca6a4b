/**
 * getSync (present although syncReads is false, so the conformance suite skips it), snapshot
 * reads, and the key size limit.
 */
import { describe, expect, it } from 'vitest';
import { LEVEL_CAPABILITIES, openLevel } from '@tidekv/level';
import { bytes, tempDir, text } from './temp-dir.js';

const { maxKeySize } = LEVEL_CAPABILITIES;

describe('getSync', () => {
  it('sees acknowledged writes, returns undefined for missing keys, and handles the empty key', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    expect(ks.getSync!(bytes('a'))).toBeUndefined();
    await ks.put(bytes('a'), bytes('1'));
    await engine.write([{ type: 'put', key: new Uint8Array(0), value: bytes('empty') }]);
    expect(text(ks.getSync!(bytes('a')))).toBe('1');
    expect(text(ks.getSync!(new Uint8Array(0)))).toBe('empty');
    expect(engine.keyspace('other').getSync!(bytes('a'))).toBeUndefined();
    await ks.del(bytes('a'));
    expect(ks.getSync!(bytes('a'))).toBeUndefined();
    await engine.close();
  });

  it('throws INVALID_KEY for a non-Uint8Array key and NOT_OPEN after close', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    expect(() => ks.getSync!('a' as never)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => ks.getSync!(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    await engine.close();
    expect(() => ks.getSync!(bytes('a'))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it('reads keys of every length in any order, live and through a snapshot, each finding only its own entry', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    const other = engine.keyspace('other');
    // Lengths around the reused read-key buffer (1 KiB) and keys that are prefixes of each other.
    const lengths = [0, 1, 2, 3, 16, 17, 1023, 1024, 1025, 4096, 2, 1024, 0, 1025, 17];
    const keyOf = (length: number) => new Uint8Array(length).fill(0x61);
    for (const length of new Set(lengths)) {
      await ks.put(keyOf(length), bytes(`live ${length}`));
      await other.put(keyOf(length), bytes(`other ${length}`));
    }
    const snapshot = engine.snapshot!();
    for (const length of new Set(lengths)) await ks.put(keyOf(length), bytes(`new ${length}`));
    const view = snapshot.keyspace('default');
    for (const length of lengths) {
      expect(text(ks.getSync!(keyOf(length)))).toBe(`new ${length}`);
      expect(text(view.getSync!(keyOf(length)))).toBe(`live ${length}`);
      expect(text(other.getSync!(keyOf(length)))).toBe(`other ${length}`);
      expect(ks.getSync!(keyOf(length + 5))).toBeUndefined();
      expect(text(ks.getSync!(keyOf(length)))).toBe(`new ${length}`);
    }
    // A read leaves nothing behind that a later write or async read could pick up.
    expect((await ks.getMany(lengths.map(keyOf))).map(text)).toEqual(lengths.map((length) => `new ${length}`));
    await snapshot.close();
    await engine.close();
  });

  it('reads a snapshot as of the moment it was taken', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    await ks.put(bytes('a'), bytes('old'));
    const snapshot = engine.snapshot!();
    await ks.put(bytes('a'), bytes('new'));
    await ks.put(bytes('b'), bytes('new'));
    const view = snapshot.keyspace('default');
    expect(text(view.getSync!(bytes('a')))).toBe('old');
    expect(view.getSync!(bytes('b'))).toBeUndefined();
    expect((await view.getMany([bytes('a'), bytes('b')])).map(text)).toEqual(['old', undefined]);
    expect(text(ks.getSync!(bytes('a')))).toBe('new');
    await snapshot.close();
    expect(() => view.getSync!(bytes('a'))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    await engine.close();
  });
});

describe('key size limit', () => {
  it('stores, reads and iterates a key of exactly maxKeySize bytes', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('a-keyspace-with-a-long-name');
    const key = new Uint8Array(maxKeySize).fill(0xab);
    await ks.put(key, bytes('v'));
    expect(text(ks.getSync!(key))).toBe('v');
    const [entry] = await ks.iterate().all();
    expect(Buffer.from(entry![0]).equals(Buffer.from(key))).toBe(true);
    await engine.close();
  });

  it('rejects a key one byte over maxKeySize in every operation with KEY_TOO_LARGE', async () => {
    const engine = await openLevel({ path: tempDir() });
    const ks = engine.keyspace('default');
    const key = new Uint8Array(maxKeySize + 1);
    const code = { code: 'KEY_TOO_LARGE' };
    expect(() => ks.getSync!(key)).toThrow(expect.objectContaining(code));
    await expect(ks.get(key)).rejects.toMatchObject(code);
    await expect(ks.getMany([bytes('ok'), key])).rejects.toMatchObject(code);
    await expect(ks.put(key, bytes('v'))).rejects.toMatchObject(code);
    await expect(ks.del(key)).rejects.toMatchObject(code);
    await expect(engine.write([{ type: 'put', key: bytes('ok'), value: bytes('v') }, { type: 'del', key }])).rejects.toMatchObject(code);
    expect(await ks.get(bytes('ok'))).toBeUndefined();
    await engine.close();
  });
});
