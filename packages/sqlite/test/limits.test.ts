import { describe, expect, it } from 'vitest';
import { SQLITE_CAPABILITIES } from '@tidekv/sqlite';
import { expectCode, openTemp, utf8 } from './helpers.js';

const { maxKeySize, maxValueSize } = SQLITE_CAPABILITIES;

describe('size limits', () => {
  it('stores a value of exactly maxValueSize (256 MiB); one byte more fails VALUE_TOO_LARGE and writes nothing', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    const value = Buffer.allocUnsafe(maxValueSize + 1);
    for (let i = 0; i < value.length; i += 4096) value[i] = (i >>> 12) & 0xff;
    value[maxValueSize - 1] = 0xab;
    const max = value.subarray(0, maxValueSize);
    await ks.put(utf8('max'), max);
    const read = ks.getSync!(utf8('max'))!;
    expect(read.length).toBe(maxValueSize);
    expect(Buffer.compare(read, max)).toBe(0);
    await expectCode(() => ks.put(utf8('over'), value), 'VALUE_TOO_LARGE');
    await expectCode(() => engine.write([{ type: 'put', key: utf8('a'), value: utf8('a') }, { type: 'put', key: utf8('over'), value }]), 'VALUE_TOO_LARGE');
    expect(ks.getSync!(utf8('a'))).toBeUndefined();
    expect(ks.getSync!(utf8('over'))).toBeUndefined();
  }, 120_000);

  it('stores a key of exactly maxKeySize (1 MiB) next to short keys, in bytewise order', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    const big = Buffer.alloc(maxKeySize, 0x61);
    await engine.write([
      { type: 'put', key: big, value: utf8('big') },
      { type: 'put', key: utf8('a'), value: utf8('short') },
      { type: 'put', key: utf8('b'), value: utf8('after') },
    ]);
    const keys = (await ks.iterate().all()).map(([k]) => k.length);
    expect(keys).toEqual([1, maxKeySize, 1]);
    expect(await ks.iterate({ gt: big }).all()).toHaveLength(1);
    expect(await ks.iterate({ lte: big, reverse: true }).all()).toHaveLength(2);
    await expectCode(() => ks.getSync!(Buffer.alloc(maxKeySize + 1)), 'KEY_TOO_LARGE');
  });
});
