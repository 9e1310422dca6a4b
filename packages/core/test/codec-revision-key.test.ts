import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REVISION_KEY_BYTES,
  TOMBSTONE_REVISION_KEY_BYTES,
  compareBytes,
  compareRevisions,
  decodeRevisionKey,
  encodeRevisionKey,
} from '../src/index.js';
import { propertySeed } from './seed.js';
import { expectCode } from './expect-code.js';

const seed = propertySeed('codec-revision-key');
const params = { seed, numRuns: 10_000 };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const MAX_SAFE = Number.MAX_SAFE_INTEGER;


const counterArb = fc.oneof(
  fc.constantFrom(0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, MAX_SAFE - 1, MAX_SAFE),
  fc.tuple(fc.integer({ min: 0, max: 52 }), fc.integer({ min: -10, max: 10 })).map(([k, d]) => Math.min(MAX_SAFE, Math.max(0, 2 ** k + d))),
  fc.integer({ min: 0, max: 1000 }),
  fc.maxSafeNat(),
);
const revisionArb = fc.record({ main: counterArb, sub: counterArb, tombstone: fc.boolean() });

describe('revision keys', () => {
  it("lay out BE64(main) '_' BE64(sub) [+ 't']", () => {
    expect(hex(encodeRevisionKey({ main: 2, sub: 0 }))).toBe('0000000000000002' + '5f' + '0000000000000000');
    expect(hex(encodeRevisionKey({ main: 0x0102, sub: 3 }, true))).toBe('0000000000000102' + '5f' + '0000000000000003' + '74');
    expect(hex(encodeRevisionKey({ main: MAX_SAFE, sub: MAX_SAFE }))).toBe('001fffffffffffff5f001fffffffffffff');
    expect(encodeRevisionKey({ main: 1, sub: 1 })).toHaveLength(REVISION_KEY_BYTES);
    expect(encodeRevisionKey({ main: 1, sub: 1 }, true)).toHaveLength(TOMBSTONE_REVISION_KEY_BYTES);
  });

  it('decode(encode(r)) round-trips', () => {
    fc.assert(
      fc.property(revisionArb, ({ main, sub, tombstone }) => {
        expect(decodeRevisionKey(encodeRevisionKey({ main, sub }, tombstone))).toEqual({ main, sub, tombstone });
      }),
      params,
    );
  });

  it('byte order is (main, sub) order, and compareRevisions agrees', () => {
    const pairArb = fc.oneof(
      fc.tuple(revisionArb, revisionArb),
      fc.tuple(revisionArb, revisionArb).map(([a, b]) => [a, { ...b, main: a.main }] as const),
      fc.tuple(revisionArb, fc.boolean()).map(([a, tombstone]) => [a, { ...a, tombstone }] as const),
    );
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const logical = a.main !== b.main ? Math.sign(a.main - b.main) : Math.sign(a.sub - b.sub);
        expect(Math.sign(compareRevisions(a, b))).toBe(logical);
        const bytes = Math.sign(compareBytes(encodeRevisionKey(a, a.tombstone), encodeRevisionKey(b, b.tombstone)));
        // The same revision with and without a tombstone: the tombstone key sorts right after.
        expect(bytes).toBe(logical !== 0 ? logical : Math.sign(Number(a.tombstone) - Number(b.tombstone)));
      }),
      params,
    );
  });

  it('rejects revisions that are not safe non-negative integers', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, MAX_SAFE + 1, 1n, '1', null, undefined]) {
      expectCode(() => encodeRevisionKey({ main: bad as never, sub: 0 }), 'INVALID_ARGUMENT', /revision\.main must be a safe non-negative integer/);
      expectCode(() => encodeRevisionKey({ main: 0, sub: bad as never }), 'INVALID_ARGUMENT', /revision\.sub must be/);
      expectCode(() => compareRevisions({ main: bad as never, sub: 0 }, { main: 0, sub: 0 }), 'INVALID_ARGUMENT', /a\.main/);
      expectCode(() => compareRevisions({ main: 0, sub: 0 }, { main: 0, sub: bad as never }), 'INVALID_ARGUMENT', /b\.sub/);
    }
    for (const bad of [null, undefined, 5, 'r']) {
      expectCode(() => encodeRevisionKey(bad as never), 'INVALID_ARGUMENT', /revision must be an object/);
      expectCode(() => compareRevisions(bad as never, { main: 0, sub: 0 }), 'INVALID_ARGUMENT', /a must be an object/);
    }
    expectCode(() => encodeRevisionKey({ main: 1, sub: 1 }, 1 as never), 'INVALID_ARGUMENT', /tombstone must be a boolean/);
  });

  it('decode rejects what is not a revision key', () => {
    expectCode(() => decodeRevisionKey([1, 2] as never), 'INVALID_ARGUMENT', /takes a Uint8Array/);
    for (const length of [0, 16, 19]) {
      expectCode(() => decodeRevisionKey(new Uint8Array(length)), 'CORRUPTION', new RegExp(`17 or 18 bytes, got ${length}`));
    }
    const key = encodeRevisionKey({ main: 1, sub: 2 }, true);
    key[8] = 0x2d;
    expectCode(() => decodeRevisionKey(key), 'CORRUPTION', /byte 8 must be '_' \(0x5f\), got 0x2d/);
    const tomb = encodeRevisionKey({ main: 1, sub: 2 }, true);
    tomb[17] = 0x54;
    expectCode(() => decodeRevisionKey(tomb), 'CORRUPTION', /byte 17 must be 't'/);
    const hugeMain = encodeRevisionKey({ main: 1, sub: 2 });
    hugeMain[1] = 0x20; // main >= 2^53
    expectCode(() => decodeRevisionKey(hugeMain), 'CORRUPTION', /main revision is above/);
    const hugeSub = encodeRevisionKey({ main: 1, sub: 2 });
    hugeSub[9] = 0x80;
    expectCode(() => decodeRevisionKey(hugeSub), 'CORRUPTION', /sub revision is above/);
  });
});
