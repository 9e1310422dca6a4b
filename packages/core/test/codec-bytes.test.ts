import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../src/index.js';
import { propertySeed } from './seed.js';

const seed = propertySeed('codec-bytes');

describe('utf8Encode / utf8Decode', () => {
  it.each(['\ud800', 'a\udfffb', 'x\ud83d'])('utf8Encode rejects a lone surrogate in %j', (text) => {
    expect(() => utf8Encode(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('utf8Encode rejects a non-string', () => {
    expect(() => utf8Encode(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('keeps a leading U+FEFF (it is text, not a byte-order mark)', () => {
    expect(utf8Decode(utf8Encode('\ufeffabc'))).toBe('\ufeffabc');
    expect(utf8Decode(Uint8Array.from([0xef, 0xbb, 0xbf]))).toBe('\ufeff');
  });

  it('rejects invalid UTF-8 rather than substituting U+FFFD', () => {
    expect(() => utf8Decode(Uint8Array.from([0xff]))).toThrow(TypeError);
    expect(() => utf8Decode(Uint8Array.from([0xed, 0xa0, 0x80]))).toThrow(TypeError);
  });

  it('decode(encode(s)) is s for every well-formed string', () => {
    const codePoint = fc
      .oneof(fc.constantFrom(0, 0xfeff, 0xfffd, 0xffff, 0x10000, 0x10ffff), fc.integer({ min: 0, max: 0x10ffff }))
      .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? cp + 0x800 : cp));
    fc.assert(
      fc.property(fc.array(codePoint, { maxLength: 8 }), (cps) => {
        const text = String.fromCodePoint(...cps);
        expect(utf8Decode(utf8Encode(text))).toBe(text);
      }),
      { seed, numRuns: 10_000 },
    );
  });
});
