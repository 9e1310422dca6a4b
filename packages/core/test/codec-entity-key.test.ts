import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENTITY_PREFIX_BYTES,
  ENTITY_TAG_PREFIX_BYTES,
  compareBytes,
  encodeKey,
  entityPrefix,
  entityTagPrefix,
  normalizeRange,
  inRange,
  parseKey,
  prefixSuccessor,
} from '../src/index.js';
import { propertySeed } from './seed.js';
import { expectCode } from './expect-code.js';

const seed = propertySeed('codec-entity-key');
const params = { seed, numRuns: 10_000 };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const b = (...bytes: number[]) => Uint8Array.from(bytes);
const U64_MAX = 2n ** 64n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);


/** Ids near every byte boundary, 2^53 and 2^64, as bigint. */
const idArb = fc.oneof(
  fc.constantFrom(0n, 1n, 255n, 256n, 2n ** 32n - 1n, 2n ** 32n, MAX_SAFE, MAX_SAFE + 1n, U64_MAX - 1n, U64_MAX),
  fc
    .tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: -10, max: 10 }))
    .map(([k, d]) => {
      const v = (1n << BigInt(k)) + BigInt(d);
      return v < 0n ? 0n : v > U64_MAX ? U64_MAX : v;
    }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);
/** The id as a caller would pass it: a number when safe (sometimes still a bigint). */
const asInput = (id: bigint, preferBigint: boolean) => (!preferBigint && id <= MAX_SAFE ? Number(id) : id);
const tagArb = fc.oneof(fc.constantFrom(0, 1, 0xfe, 0xff), fc.integer({ min: 0, max: 255 }));
const suffixArb = fc.array(fc.oneof(fc.constantFrom(0, 1, 0xfe, 0xff), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }).map((a) => Uint8Array.from(a));
const keyArb = fc.record({ id: idArb, tag: tagArb, suffix: suffixArb, preferBigint: fc.boolean() });
type KeyFields = { id: bigint; tag: number; suffix: Uint8Array };

function compareFields(a: KeyFields, b: KeyFields): number {
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  if (a.tag !== b.tag) return a.tag < b.tag ? -1 : 1;
  return Math.sign(compareBytes(a.suffix, b.suffix));
}

describe('entity keys', () => {
  it('lays out [u64 BE id][0x00][tag][suffix]', () => {
    expect(hex(encodeKey(0x0102030405n, 7, b(0, 0xff)))).toBe('0000000102030405' + '00' + '07' + '00ff');
    expect(hex(encodeKey(1, 0))).toBe('0000000000000001' + '00' + '00');
    expect(hex(encodeKey(U64_MAX, 255))).toBe('ffffffffffffffff00ff');
    expect(hex(encodeKey(Number.MAX_SAFE_INTEGER, 1))).toBe('001fffffffffffff0001');
    expect(hex(entityPrefix(0x1234))).toBe('0000000000001234' + '00');
    expect(hex(entityTagPrefix(0x1234, 9))).toBe('0000000000001234' + '00' + '09');
    expect(entityPrefix(5)).toHaveLength(ENTITY_PREFIX_BYTES);
    expect(entityTagPrefix(5, 1)).toHaveLength(ENTITY_TAG_PREFIX_BYTES);
  });

  it('parses ids as numbers when safe, bigints beyond, and copies the suffix', () => {
    expect(parseKey(encodeKey(Number.MAX_SAFE_INTEGER, 3)).entityId).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseKey(encodeKey(MAX_SAFE + 1n, 3)).entityId).toBe(MAX_SAFE + 1n);
    expect(parseKey(encodeKey(12n, 3)).entityId).toBe(12);
    const key = encodeKey(1, 2, b(3, 4));
    const parsed = parseKey(key);
    key[10] = 99;
    expect([...parsed.suffix]).toEqual([3, 4]);
  });

  it('copies the suffix of a Buffer key too (Buffer#slice is a view)', () => {
    const key = Buffer.from(encodeKey(1, 2, b(3, 4)));
    const parsed = parseKey(key);
    key.fill(99);
    expect([...parsed.suffix]).toEqual([3, 4]);
    expect(Object.getPrototypeOf(parsed.suffix)).toBe(Uint8Array.prototype);
  });

  it('parse(encode(id, tag, suffix)) round-trips', () => {
    fc.assert(
      fc.property(keyArb, ({ id, tag, suffix, preferBigint }) => {
        const parsed = parseKey(encodeKey(asInput(id, preferBigint), tag, suffix));
        expect(parsed.entityId).toBe(id <= MAX_SAFE ? Number(id) : id);
        expect(parsed.tag).toBe(tag);
        expect(compareBytes(parsed.suffix, suffix)).toBe(0);
      }),
      params,
    );
  });

  it('byte order is (entityId, tag, suffix) order', () => {
    // Pairs that often share the id or the tag, so every field gets compared.
    const pairArb = fc.oneof(
      fc.tuple(keyArb, keyArb),
      fc.tuple(keyArb, keyArb).map(([a, k]) => [a, { ...k, id: a.id }] as const),
      fc.tuple(keyArb, suffixArb).map(([a, suffix]) => [a, { ...a, suffix }] as const),
    );
    fc.assert(
      fc.property(pairArb, ([a, b2]) => {
        const ka = encodeKey(asInput(a.id, a.preferBigint), a.tag, a.suffix);
        const kb = encodeKey(asInput(b2.id, b2.preferBigint), b2.tag, b2.suffix);
        expect(Math.sign(compareBytes(ka, kb))).toBe(compareFields(a, b2));
      }),
      params,
    );
  });

  it('a key is under entityPrefix / entityTagPrefix exactly when its id / (id, tag) match', () => {
    fc.assert(
      fc.property(keyArb, idArb, tagArb, fc.boolean(), ({ id, tag, suffix }, otherId, otherTag, sameId) => {
        const key = encodeKey(id, tag, suffix);
        const probeId = sameId ? id : otherId;
        const byEntity = normalizeRange({ prefix: entityPrefix(probeId) });
        const byTag = normalizeRange({ prefix: entityTagPrefix(probeId, otherTag) });
        expect(inRange(key, byEntity)).toBe(probeId === id);
        expect(inRange(key, byTag)).toBe(probeId === id && otherTag === tag);
        expect(prefixSuccessor(entityPrefix(probeId))).toBeDefined();
      }),
      params,
    );
  });

  it('rejects ids outside u64 or not integers', () => {
    for (const id of [-1, -1n, 2n ** 64n, 2 ** 53, 1.5, NaN, Infinity, '1', null, undefined, {}]) {
      expectCode(() => encodeKey(id as never, 0), 'INVALID_ARGUMENT', /entityId must be an integer in \[0, 2\^64\)/);
      expectCode(() => entityPrefix(id as never), 'INVALID_ARGUMENT', /entityId/);
      expectCode(() => entityTagPrefix(id as never, 0), 'INVALID_ARGUMENT', /entityId/);
    }
  });

  it('rejects tags outside u8 and non-Uint8Array suffixes', () => {
    for (const tag of [-1, 256, 1.5, NaN, '1', 1n, null]) {
      expectCode(() => encodeKey(1, tag as never), 'INVALID_ARGUMENT', /tag must be an integer in \[0, 255\]/);
      expectCode(() => entityTagPrefix(1, tag as never), 'INVALID_ARGUMENT', /tag/);
    }
    for (const suffix of ['ab', [1, 2], null, new ArrayBuffer(1)]) {
      expectCode(() => encodeKey(1, 1, suffix as never), 'INVALID_ARGUMENT', /suffix must be a Uint8Array/);
    }
  });

  it('parseKey rejects what is not an entity key', () => {
    expectCode(() => parseKey('x' as never), 'INVALID_ARGUMENT', /takes a Uint8Array/);
    expectCode(() => parseKey(new Uint8Array(9)), 'CORRUPTION', /at least 10 bytes, got 9/);
    expectCode(() => parseKey(new Uint8Array(0)), 'CORRUPTION', /got 0/);
    const key = encodeKey(1, 1);
    key[8] = 0x01;
    expectCode(() => parseKey(key), 'CORRUPTION', /byte 8 of an entity key must be 0x00, got 0x01/);
  });
});
