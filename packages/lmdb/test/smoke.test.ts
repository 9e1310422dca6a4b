import { describe, expect, it } from 'vitest';
import { openTemp, b, s, hex, text } from './helpers.js';

describe('lmdb smoke', () => {
  it('put/get/iterate/empty key', async () => {
    const engine = await openTemp();
    const ks = engine.keyspace('default');
    await ks.put(b(), s('empty'));
    await ks.put(b(0), s('zero'));
    await ks.put(b(1, 2), s('onetwo'));
    expect(text(await ks.get(b()))).toBe('empty');
    expect(text(ks.getSync!(b(0)))).toBe('zero');
    const all = await ks.iterate().all();
    expect(all.map(([k]) => hex(k))).toEqual(['', '00', '0102']);
    const rev = await ks.iterate({ reverse: true }).all();
    expect(rev.map(([k]) => hex(k))).toEqual(['0102', '00', '']);
    expect([...ks.iterateSync!({ reverse: true, limit: 2 })].map(([k]) => hex(k))).toEqual(['0102', '00']);
    await engine.write([{ type: 'delRange', range: { gte: b(0) } }, { type: 'put', keyspace: 'other', key: b(9), value: b(9) }]);
    expect((await ks.iterate().all()).map(([k]) => hex(k))).toEqual(['']);
    expect(hex((await engine.keyspace('other').get(b(9)))!)).toBe('09');
  });
});
