import { describe, expect, it } from 'vitest';
import { TupleDouble, type TupleElement, compareBytes, concatBytes, TUPLE_MAX_DEPTH, double, pack, range, unpack, utf8Encode } from '../src/index.js';
import { expectCode } from './expect-code.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').replace(/(..)(?=.)/g, '$1 ');
const b = (...bytes: number[]) => Uint8Array.from(bytes);


describe('pack: FoundationDB vectors and hand-derived encodings', () => {
  const cases: [string, unknown[], string][] = [
    ['string with NUL (FDB vector, string code)', ['foo\x00bar'], '02 66 6f 6f 00 ff 62 61 72 00'],
    ['bytes with NUL (FDB vector, bytes code)', [utf8Encode('foo\x00bar')], '01 66 6f 6f 00 ff 62 61 72 00'],
    ['-5551212 (FDB vector)', [-5551212], '11 ab 4b 93'],
    ['0', [0], '14'],
    ['-0 is the integer 0', [-0], '14'],
    ['1', [1], '15 01'],
    ['-1', [-1], '13 fe'],
    ['255', [255], '15 ff'],
    ['256', [256], '16 01 00'],
    ['-255', [-255], '13 00'],
    ['-256', [-256], '12 fe ff'],
    ['MAX_SAFE_INTEGER', [Number.MAX_SAFE_INTEGER], '1b 1f ff ff ff ff ff ff'],
    ['-MAX_SAFE_INTEGER', [-Number.MAX_SAFE_INTEGER], '0d e0 00 00 00 00 00 00'],
    ['2^53 as bigint', [2n ** 53n], '1b 20 00 00 00 00 00 00'],
    ['2^64 - 1', [2n ** 64n - 1n], '1c ff ff ff ff ff ff ff ff'],
    ['-(2^64 - 1)', [-(2n ** 64n - 1n)], '0c 00 00 00 00 00 00 00 00'],
    ['2^64 (length byte)', [2n ** 64n], '1d 09 01 00 00 00 00 00 00 00 00'],
    ['-(2^64) (complemented length byte)', [-(2n ** 64n)], '0b f6 fe ff ff ff ff ff ff ff ff'],
    ['small bigint encodes like the number', [5n], '15 05'],
    ['null', [null], '00'],
    ['two nulls', [null, null], '00 00'],
    ['false, true', [false, true], '26 27'],
    ['empty string', [''], '02 00'],
    ['empty bytes', [new Uint8Array(0)], '01 00'],
    ['empty tuple', [], ''],
    ['empty nested tuple', [[]], '05 00'],
    ['nested with null', [[null, 'a']], '05 00 ff 02 61 00 00'],
    ['nested bytes with NUL', [[b(0)]], '05 01 00 ff 00 00'],
    ['doubly nested null', [[[null]], null], '05 05 00 ff 00 00 00'],
    ['1.5', [1.5], '21 bf f8 00 00 00 00 00 00'],
    ['-1.5', [-1.5], '21 40 07 ff ff ff ff ff ff'],
    ['double(2)', [double(2)], '21 c0 00 00 00 00 00 00 00'],
    ['double(0)', [double(0)], '21 80 00 00 00 00 00 00 00'],
    ['double(-0)', [double(-0)], '21 7f ff ff ff ff ff ff ff'],
    ['Infinity', [Infinity], '21 ff f0 00 00 00 00 00 00'],
    ['-Infinity', [-Infinity], '21 00 0f ff ff ff ff ff ff'],
    ['2^53 as number is a double', [2 ** 53], '21 c3 40 00 00 00 00 00 00'],
    ['U+FFFF', ['\uffff'], '02 ef bf bf 00'],
    ['astral character', ['\u{1F600}'], '02 f0 9f 98 80 00'],
    ['U+0000 alone', ['\u0000'], '02 00 ff 00'],
    ['leading U+FEFF is kept', ['\ufeffa'], '02 ef bb bf 61 00'],
  ];
  for (const [name, tuple, expected] of cases) {
    it(name, () => {
      expect(hex(pack(tuple as never))).toBe(expected);
    });
  }

  it('accepts a Buffer as bytes and returns a plain Uint8Array copy', () => {
    const packed = pack([Buffer.from([1, 2])]);
    expect(hex(packed)).toBe('01 01 02 00');
    expect(packed).toBeInstanceOf(Uint8Array);
  });

  it('returns a fresh array each call (the internal buffer is reused)', () => {
    const first = pack(['a']);
    const second = pack(['b']);
    expect(hex(first)).toBe('02 61 00');
    expect(hex(second)).toBe('02 62 00');
  });

  it('stays correct when packing re-enters through a getter on the tuple', () => {
    const tuple: TupleElement[] = ['a'];
    Object.defineProperty(tuple, 1, { enumerable: true, get: () => (pack(['inner', 1]).length > 0 ? 'b' : 'x') });
    expect(hex(pack(tuple))).toBe(hex(pack(['a', 'b'])));
  });

  it('handles values larger than the initial buffer', () => {
    const big = 'x'.repeat(100_000);
    const packed = pack([big, 1]);
    expect(packed.length).toBe(100_000 + 4);
    expect(unpack(packed)).toEqual([big, 1]);
    expect(hex(pack(['y']))).toBe('02 79 00');
  });

  it('packs the largest integers (255 bytes) and rejects longer ones', () => {
    const max = 2n ** 2040n - 1n;
    expect(unpack(pack([max, -max]))).toEqual([max, -max]);
    expectCode(() => pack([2n ** 2040n]), 'INVALID_ARGUMENT', /256 bytes/);
    expectCode(() => pack([-(2n ** 2040n)]), 'INVALID_ARGUMENT', /256 bytes/);
  });
});

describe('pack: order traps', () => {
  it("escaping keeps 'a' before 'a\\0' whatever follows", () => {
    // Unescaped, ['a', null, 1] would be 02 61 00 00 15 01 and sort after 02 61 00 00 00.
    expect(compareBytes(pack(['a', null, 1]), pack(['a\x00']))).toBeLessThan(0);
    expect(compareBytes(pack([b(0x61), null, 1]), pack([b(0x61, 0x00)]))).toBeLessThan(0);
    expect(compareBytes(pack([['a', null], 1]), pack([['a', null, null]]))).toBeLessThan(0);
  });

  it('a raw suffix after an escaped field breaks order; a tuple element does not (README warning)', () => {
    const descendingVersion = b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe);
    const raw = (text: string) => concatBytes([pack([text]), descendingVersion]);
    // Logically 'a' < 'a\0', but with the raw suffix the bytes say otherwise.
    expect(compareBytes(raw('a'), raw('a\x00'))).toBeGreaterThan(0);
    expect(compareBytes(pack(['a', descendingVersion]), pack(['a\x00', descendingVersion]))).toBeLessThan(0);
  });

  it('strings sort by code point, not UTF-16 unit', () => {
    expect('\ufffd' < '\u{1F600}').toBe(false);
    expect(compareBytes(pack(['\ufffd']), pack(['\u{1F600}']))).toBeLessThan(0);
  });

  it('types sort by type code; numbers within a type numerically', () => {
    const ordered = [[null], [b()], [''], [[]], [-(2n ** 70n)], [-(2n ** 64n)], [-1], [0], [1], [2n ** 64n], [-Infinity], [double(-0)], [double(0)], [0.5], [Infinity], [false], [true]];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareBytes(pack(ordered[i - 1] as never), pack(ordered[i] as never)), `${i}`).toBeLessThan(0);
    }
  });
});

describe('unpack: what comes back', () => {
  it('integers: number when safe, bigint beyond', () => {
    const [a, b2, c, d] = unpack(pack([Number.MAX_SAFE_INTEGER, 2n ** 53n, -Number.MAX_SAFE_INTEGER, -(2n ** 53n)]));
    expect(a).toBe(Number.MAX_SAFE_INTEGER);
    expect(b2).toBe(2n ** 53n);
    expect(c).toBe(-Number.MAX_SAFE_INTEGER);
    expect(d).toBe(-(2n ** 53n));
    expect(unpack(pack([7n]))).toEqual([7]);
  });

  it('doubles: numbers, except integer-valued safe ones which stay marked', () => {
    const [half, two, negZero, inf, big] = unpack(pack([0.5, double(2), double(-0), -Infinity, 2 ** 60]));
    expect(half).toBe(0.5);
    expect(two).toBeInstanceOf(TupleDouble);
    expect((two as TupleDouble).value).toBe(2);
    expect(Object.is((negZero as TupleDouble).value, -0)).toBe(true);
    expect(inf).toBe(-Infinity);
    expect(big).toBe(2 ** 60);
    expect(hex(pack(unpack(pack([double(2)]))))).toBe('21 c0 00 00 00 00 00 00 00');
  });

  it('strings, bytes, nested tuples, booleans and nulls', () => {
    const tuple = ['a\x00b', b(0, 0xff, 0), [null, [null, 'x'], []], true, false, null, '\u{10FFFF}', '\ufeff'];
    const back = unpack(pack(tuple));
    expect(back).toEqual(tuple);
    expect(back[1]).toBeInstanceOf(Uint8Array);
  });

  it('reads a packed tuple inside a larger buffer view', () => {
    const packed = pack(['abc', 42]);
    const backing = new Uint8Array(packed.length + 6).fill(0xff);
    backing.set(packed, 3);
    expect(unpack(backing.subarray(3, 3 + packed.length))).toEqual(['abc', 42]);
  });

  it('returns bytes that do not alias the input', () => {
    const packed = pack([b(1, 2, 3)]);
    const [bytes] = unpack(packed) as [Uint8Array];
    packed[1] = 9;
    expect([...bytes]).toEqual([1, 2, 3]);
  });

  it('returns a plain, unaliased Uint8Array from Buffer input too', () => {
    // Buffer#slice is a view, not a copy: the decoder must not rely on slice to copy.
    const packed = Buffer.from(pack([b(1, 2, 3), b(0, 4)]));
    const [plain, escaped] = unpack(packed) as [Uint8Array, Uint8Array];
    packed.fill(9);
    expect([...plain]).toEqual([1, 2, 3]);
    expect([...escaped]).toEqual([0, 4]);
    expect(Buffer.isBuffer(plain)).toBe(false);
    expect(Object.getPrototypeOf(plain)).toBe(Uint8Array.prototype);
  });
});

describe('range', () => {
  it('is [pack(t) 0x00, pack(t) 0xff)', () => {
    const { gte, lt } = range(['a', 1]);
    expect(hex(gte)).toBe('02 61 00 15 01 00');
    expect(hex(lt)).toBe('02 61 00 15 01 ff');
    expect(hex(range([]).gte)).toBe('00');
    expect(hex(range([]).lt)).toBe('ff');
  });

  it('validates its input like pack', () => {
    expectCode(() => range('a' as never), 'INVALID_ARGUMENT');
    expectCode(() => range([NaN]), 'INVALID_ARGUMENT', /NaN/);
  });
});

describe('pack rejects what has no encoding', () => {
  it('non-array input', () => {
    for (const input of [undefined, null, 'abc', 1, {}, b(1), new Set([1])]) {
      expectCode(() => pack(input as never), 'INVALID_ARGUMENT', /takes an array/);
    }
  });

  it('NaN, as a number or a double', () => {
    expectCode(() => pack([1, NaN]), 'INVALID_ARGUMENT', /tuple\[1\] is NaN/);
    expectCode(() => double(NaN), 'INVALID_ARGUMENT', /NaN/);
    expectCode(() => double('1' as never), 'INVALID_ARGUMENT', /takes a number/);
  });

  it('lone surrogates anywhere in a string', () => {
    for (const text of ['\ud800', 'a\udc00', 'ab\ud83d', '\ude00\ud83d', 'x\ud83dy', '\ud83d\ud83d\ude00x\udfff']) {
      expect((text as string & { isWellFormed(): boolean }).isWellFormed()).toBe(false);
      expectCode(() => pack(['ok', [text]]), 'INVALID_ARGUMENT', /tuple\[1\]\[0\] is a string with a lone surrogate/);
    }
  });

  it('unsupported element types, naming the path', () => {
    const bad: unknown[] = [undefined, Symbol('s'), () => 1, new Date(0), {}, { value: 1 }, new ArrayBuffer(2), new DataView(new ArrayBuffer(2)), new Uint16Array(2), new Map()];
    for (const value of bad) {
      const error = expectCode(() => pack([1, [2, value as never]]), 'INVALID_ARGUMENT', /tuple\[1\]\[1\] is /);
      expect(error.details).toEqual({ path: [1, 1] });
    }
  });

  it('tuples nested deeper than the limit, and cyclic arrays', () => {
    let deep: TupleElement[] = [];
    for (let i = 1; i < TUPLE_MAX_DEPTH; i++) deep = [deep];
    expect(unpack(pack([deep]))).toEqual([deep]);
    expectCode(() => pack([[deep]]), 'INVALID_ARGUMENT', /deeper than 100/);
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    expectCode(() => pack(cyclic as never), 'INVALID_ARGUMENT', /cyclic/);
  });

  it('leaves the shared buffer usable after an error', () => {
    expectCode(() => pack(['abc', Symbol('x') as never]), 'INVALID_ARGUMENT');
    expect(hex(pack(['z']))).toBe('02 7a 00');
  });
});

describe('unpack rejects malformed bytes', () => {
  const corrupt: [string, number[], RegExp][] = [
    ['unterminated string', [0x02, 0x61], /not terminated/],
    ['unterminated bytes', [0x01], /not terminated/],
    ['escape then end of input', [0x01, 0x00, 0xff], /not terminated/],
    ['unterminated nested tuple', [0x05, 0x14], /nested tuple is not terminated/],
    ['0xff is never a type code', [0xff], /0xff is not a tuple type code/],
    ['escaped null at top level', [0x00, 0xff], /0xff is not a tuple type code/],
    ['reserved type code', [0x03], /0x03 is not a tuple type code/],
    ['truncated integer', [0x16, 0x01], /needs 2 bytes, only 1 remain/],
    ['integer with a leading zero byte', [0x15, 0x00], /redundant leading zero/],
    ['negative integer with a leading zero byte', [0x13, 0xff], /redundant leading zero/],
    ['big integer code for 8 bytes', [0x1d, 0x08, 1, 0, 0, 0, 0, 0, 0, 0], /must use type code 0x1c/],
    ['big negative code for 1 byte', [0x0b, 0xfe, 0xfe], /must use type code 0x13/],
    ['big integer without its length', [0x1d], /length is missing/],
    ['big integer with a leading zero', [0x1d, 0x09, 0, 1, 0, 0, 0, 0, 0, 0, 0], /redundant leading zero/],
    ['truncated double', [0x21, 0x80, 0, 0], /double needs 8 bytes/],
    ['NaN double', [0x21, 0xff, 0xf8, 0, 0, 0, 0, 0, 0], /NaN/],
    ['negative NaN double', [0x21, 0x00, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], /NaN/],
    ['invalid UTF-8 byte', [0x02, 0xff, 0x00], /not valid UTF-8/],
    ['UTF-8 encoded surrogate', [0x02, 0xed, 0xa0, 0x80, 0x00], /not valid UTF-8/],
    ['overlong UTF-8 NUL', [0x02, 0xc0, 0x80, 0x00], /not valid UTF-8/],
    ['truncated UTF-8 sequence', [0x02, 0xe2, 0x82, 0x00], /not valid UTF-8/],
    ['short non-ASCII string', [0x02, 0x61, 0x80, 0x00], /not valid UTF-8/],
  ];
  for (const [name, bytes, message] of corrupt) {
    it(name, () => {
      const error = expectCode(() => unpack(Uint8Array.from(bytes)), 'CORRUPTION', message);
      expect(typeof error.details?.offset).toBe('number');
    });
  }

  it('reports the offset of the bad element', () => {
    const error = expectCode(() => unpack(b(0x14, 0x02, 0x61, 0x00, 0x16, 0x01)), 'CORRUPTION', /at offset 4/);
    expect(error.details?.offset).toBe(4);
  });

  it('nesting deeper than the limit', () => {
    const bytes = new Uint8Array(2 * (TUPLE_MAX_DEPTH + 1)).fill(0x00);
    bytes.fill(0x05, 0, TUPLE_MAX_DEPTH + 1);
    expectCode(() => unpack(bytes), 'CORRUPTION', /deeper than 100/);
    expect(unpack(bytes.subarray(1, bytes.length - 1))).toHaveLength(1);
  });

  it('FoundationDB types tidekv does not decode fail NOT_SUPPORTED', () => {
    for (const [code, name] of [[0x20, 'single-precision float'], [0x30, 'UUID'], [0x33, '96-bit versionstamp'], [0x40, 'user type']] as const) {
      expectCode(() => unpack(b(0x14, code, 0, 0, 0, 0)), 'NOT_SUPPORTED', new RegExp(`\\(${name}\\) at offset 1 is not supported`));
    }
  });

  it('non-Uint8Array input', () => {
    for (const input of [undefined, null, [0x14], 'abc', new ArrayBuffer(1), new Uint16Array(1)]) {
      expectCode(() => unpack(input as never), 'INVALID_ARGUMENT', /takes a Uint8Array/);
    }
  });
});
