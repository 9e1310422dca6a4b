/** The tag-byte key mapping: empty keys, byte order, and the real key-size limit. */
import { describe, expect, it } from 'vitest';
import { LMDB_MAX_KEY_SIZE } from '../src/index.js';
import { openTemp, b, hex, codeOf, dump } from './helpers.js';

describe('lmdb keys', () => {
  it('stores the empty key, first in order, in every keyspace', async () => {
    const engine = await openTemp();
    for (const name of ['default', 'second']) {
      const ks = engine.keyspace(name);
      await ks.put(b(), b(0xee));
      await ks.put(b(0), b(0));
      expect(hex((await ks.get(b()))!)).toBe('ee');
      expect(hex(ks.getSync!(b())!)).toBe('ee');
      expect((await ks.getMany([b(), b(1)])).map((v) => v && hex(v))).toEqual(['ee', undefined]);
      expect((await ks.iterate().all()).map(([k]) => hex(k))).toEqual(['', '00']);
      expect([...ks.iterateSync!({ reverse: true })].map(([k]) => hex(k))).toEqual(['00', '']);
      expect((await ks.iterate({ lte: b() }).all()).map(([k]) => hex(k))).toEqual(['']);
      expect((await ks.iterate({ gt: b() }).all()).map(([k]) => hex(k))).toEqual(['00']);
      await ks.del(b());
      expect(await ks.get(b())).toBeUndefined();
    }
  });

  it('orders keys bytewise: shorter prefix first, 0x00 and 0xff at the edges', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const keys = [b(0xff), b(2), b(1, 0), b(1), b(0xff, 0), b(0), b(0x80), b(11), b(0, 0xff)];
    await engine.write(keys.map((key) => ({ type: 'put', key, value: b(1) })));
    const expected = ['00', '00ff', '01', '0100', '02', '0b', '80', 'ff', 'ff00'];
    expect((await ks.iterate().all()).map(([k]) => hex(k))).toEqual(expected);
    expect([...ks.iterateSync!({ reverse: true })].map(([k]) => hex(k))).toEqual([...expected].reverse());
  });

  it('declares the real limit: 1977 bytes work everywhere, 1978 fail KEY_TOO_LARGE before lmdb sees them', async () => {
    expect(LMDB_MAX_KEY_SIZE).toBe(1977);
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    const max = new Uint8Array(LMDB_MAX_KEY_SIZE).fill(0xab);
    await ks.put(max, b(1));
    await engine.write([{ type: 'put', keyspace: 'other', key: max, value: b(2) }]);
    expect(hex((await ks.get(max))!)).toBe('01');
    expect((await ks.iterate({ gte: max, lte: max }).all()).length).toBe(1);
    expect([...ks.iterateSync!({ prefix: max })].length).toBe(1);
    const over = new Uint8Array(LMDB_MAX_KEY_SIZE + 1).fill(0xab);
    const before = await dump(engine, ['default', 'other']);
    expect(await codeOf(() => ks.put(over, b(1)))).toBe('KEY_TOO_LARGE');
    expect(await codeOf(() => ks.del(over))).toBe('KEY_TOO_LARGE');
    expect(await codeOf(() => ks.get(over))).toBe('KEY_TOO_LARGE');
    expect(await codeOf(() => ks.getSync!(over))).toBe('KEY_TOO_LARGE');
    expect(await codeOf(() => ks.getMany([max, over]))).toBe('KEY_TOO_LARGE');
    // One oversized key rejects the whole batch, across keyspaces: nothing is written.
    expect(
      await codeOf(() =>
        engine.write([
          { type: 'put', keyspace: 'other', key: b(7), value: b(7) },
          { type: 'del', key: max },
          { type: 'put', key: over, value: b(1) },
        ]),
      ),
    ).toBe('KEY_TOO_LARGE');
    // Rejected before anything was queued: later writes commit normally.
    await ks.put(b(9), b(9));
    expect(await dump(engine, ['default', 'other'])).toEqual({
      ...before,
      default: [...before.default!, ['09', '09']].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    });
  });

  it('returns copies: a returned key or value does not change under later reads', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write([
      { type: 'put', key: b(1), value: b(0xa1) },
      { type: 'put', key: b(2), value: b(0xa2) },
    ]);
    const first = ks.getSync!(b(1))!;
    ks.getSync!(b(2));
    expect(hex(first)).toBe('a1');
    const [[k1, v1]] = [...ks.iterateSync!({ limit: 1 })] as [[Uint8Array, Uint8Array]];
    await ks.iterate().all();
    expect([hex(k1), hex(v1)]).toEqual(['01', 'a1']);
  });
});
