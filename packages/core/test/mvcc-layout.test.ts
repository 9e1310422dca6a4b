import { describe, expect, it } from 'vitest';
import { decodeKeyValue, encodeKeyValue, encodeRevisionKey, tombstoneKeyValue, utf8Encode, type KeyValue } from '../src/index.js';
import { latin1Image } from '../src/codec/bytes.js';
import {
  chainSealedBody,
  decodeMetaValue,
  decodeRevisionRecord,
  encodeMetaValue,
  encodeRevisionRecord,
  RecordBatch,
  scanRevisionRecord,
  sealValue,
  type ScannedRecord,
} from '../src/mvcc/layout.js';
import { crc32 } from 'node:zlib';
import { expectCode } from './expect-code.js';

const kv: KeyValue = { key: utf8Encode('foo'), value: utf8Encode('bar'), createRevision: 2, modRevision: 5, version: 3, lease: 7 };

describe('MVCC layout', () => {
  it('encodeKeyValue is the documented fixed layout and round-trips', () => {
    const bytes = encodeKeyValue(kv);
    expect(bytes.length).toBe(37 + 3 + 3);
    expect(bytes[0]).toBe(1);
    expect(Buffer.from(bytes).readBigUInt64BE(1)).toBe(2n);
    expect(Buffer.from(bytes).readBigUInt64BE(9)).toBe(5n);
    expect(Buffer.from(bytes).readBigUInt64BE(17)).toBe(3n);
    expect(Buffer.from(bytes).readBigUInt64BE(25)).toBe(7n);
    expect(Buffer.from(bytes).readUInt32BE(33)).toBe(3);
    expect(decodeKeyValue(bytes)).toEqual(kv);
    expect(decodeKeyValue(encodeKeyValue({ ...kv, value: new Uint8Array(0), lease: Number.MAX_SAFE_INTEGER }))).toEqual({
      ...kv,
      value: new Uint8Array(0),
      lease: Number.MAX_SAFE_INTEGER,
    });
  });

  it('a tombstone encodes as the key alone', () => {
    expect(decodeKeyValue(encodeKeyValue(tombstoneKeyValue(utf8Encode('k'))))).toEqual({
      key: utf8Encode('k'), value: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, lease: 0,
    });
  });

  it('decodeKeyValue refuses malformed bytes with CORRUPTION', () => {
    expectCode(() => decodeKeyValue(new Uint8Array(10)), 'CORRUPTION');
    const bad = encodeKeyValue(kv);
    bad[0] = 2;
    expectCode(() => decodeKeyValue(bad), 'CORRUPTION', /format/);
    const long = encodeKeyValue(kv);
    long[36] = 200;
    expectCode(() => decodeKeyValue(long), 'CORRUPTION', /runs past/);
  });

  it('revision records verify their checksum, naming the revision and key', () => {
    const [key, value] = encodeRevisionRecord({ main: 5, sub: 1 }, false, kv);
    expect(decodeRevisionRecord(key, value, kv.key)).toEqual({ revision: { main: 5, sub: 1 }, tombstone: false, kv });
    for (let i = 0; i < value.length; i++) {
      const damaged = value.slice();
      damaged[i]! ^= 0x10;
      const error = expectCode(() => decodeRevisionRecord(key, damaged, kv.key), 'CORRUPTION', /revision 5\.1 of key "foo"/);
      expect(error.details).toMatchObject({ revision: 5, sub: 1 });
    }
    // The same bytes under another revision key are caught too.
    expectCode(() => decodeRevisionRecord(encodeRevisionKey({ main: 6, sub: 0 }), value), 'CORRUPTION');
    // A record that names another key than the index expects.
    expectCode(() => decodeRevisionRecord(key, value, utf8Encode('bar')), 'CORRUPTION', /belongs elsewhere/);
  });

  it('tombstone records store the key alone and decode as such', () => {
    const [key, value] = encodeRevisionRecord({ main: 9, sub: 0 }, true, kv);
    expect(key.length).toBe(18);
    const record = decodeRevisionRecord(key, value);
    expect(record.tombstone).toBe(true);
    expect(record.kv).toEqual(tombstoneKeyValue(kv.key));
  });

  it('meta values are checksummed u64s', () => {
    const stored = encodeMetaValue('revision', 123456789);
    expect(decodeMetaValue('revision', stored)).toBe(123456789);
    expectCode(() => decodeMetaValue('appliedLsn', stored), 'CORRUPTION', /appliedLsn/);
    const damaged = stored.slice();
    damaged[8]! ^= 1;
    expectCode(() => decodeMetaValue('revision', damaged), 'CORRUPTION');
  });

  it('scanRevisionRecord reads what decodeRevisionRecord reads, and fails exactly where it fails, with its error', () => {
    const scan = (key: Uint8Array, value: Uint8Array): ScannedRecord => {
      const out: ScannedRecord = { main: -1, sub: -1, tombstone: false, image: '', createRevision: -1, version: -1, lease: -1 };
      scanRevisionRecord(key, value, out);
      return out;
    };
    const same = (key: Uint8Array, value: Uint8Array) => {
      let expected: ReturnType<typeof decodeRevisionRecord> | Error;
      try {
        expected = decodeRevisionRecord(key, value);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) {
        const error = expectCode(() => scan(key, value), 'CORRUPTION');
        expect(error.message).toBe(expected.message);
        return false;
      }
      const { revision, tombstone, kv: decoded } = expected;
      expect(scan(key, value)).toEqual({
        main: revision.main, sub: revision.sub, tombstone, image: latin1Image(decoded.key),
        createRevision: decoded.createRevision, version: decoded.version, lease: decoded.lease,
      });
      return true;
    };
    // Intact records: a put, one with an empty value, a tombstone.
    expect(same(...encodeRevisionRecord({ main: 5, sub: 1 }, false, kv))).toBe(true);
    expect(same(...encodeRevisionRecord({ main: 5, sub: 0 }, false, { ...kv, value: new Uint8Array(0) }))).toBe(true);
    expect(same(...encodeRevisionRecord({ main: 9, sub: 2 }, true, kv))).toBe(true);
    // Every flipped bit of either half.
    for (const tombstone of [false, true]) {
      const [key, value] = encodeRevisionRecord({ main: 5, sub: 1 }, tombstone, kv);
      for (let i = 0; i < value.length * 8; i++) {
        const damaged = value.slice();
        damaged[i >> 3]! ^= 1 << (i & 7);
        expect(same(key, damaged)).toBe(false);
      }
      for (let i = 0; i < key.length * 8; i++) {
        const damaged = key.slice();
        damaged[i >> 3]! ^= 1 << (i & 7);
        expect(same(damaged, value)).toBe(false);
      }
    }
    // Bodies whose seal is intact but whose content does not add up (written by something else).
    const revision = { main: 5, sub: 1 };
    const sealed = (tombstone: boolean, edit: (body: Uint8Array) => Uint8Array | void, record: KeyValue = kv) => {
      const [key] = encodeRevisionRecord(revision, tombstone, record);
      const body = encodeKeyValue(tombstone ? tombstoneKeyValue(record.key) : record);
      return [key, sealValue(key, edit(body) ?? body)] as const;
    };
    const cases: Array<readonly [Uint8Array, Uint8Array]> = [
      sealed(false, (body) => void (body[0] = 2)), // unknown format
      sealed(false, (body) => body.subarray(0, 36)), // shorter than the header
      sealed(false, (body) => void (body[36] = 200)), // key length past the end
      sealed(false, (body) => void (body[1] = 0xff)), // createRevision above MAX_SAFE_INTEGER
      sealed(false, (body) => void (body[25] = 0xff)), // lease above MAX_SAFE_INTEGER
      sealed(false, () => undefined, { ...kv, modRevision: 4 }), // another revision's value
      sealed(false, () => undefined, { ...kv, version: 0 }),
      sealed(false, () => undefined, { ...kv, createRevision: 0 }),
      sealed(false, () => undefined, { ...kv, createRevision: 6, modRevision: 5 }),
      sealed(true, (body) => void (body[16] = 1)), // a tombstone with a modRevision
      sealed(true, (body) => Uint8Array.of(...body, 7)), // a tombstone with a value
    ];
    for (const [key, value] of cases) expect(same(key, value)).toBe(false);
    // Keys of the wrong shape, sealed under themselves.
    for (const key of [new Uint8Array(16), Uint8Array.of(...encodeRevisionKey(revision), 0x75), Uint8Array.of(0xff, ...encodeRevisionKey(revision).subarray(1))]) {
      expect(same(key, sealValue(key, encodeKeyValue(kv)))).toBe(false);
    }
  });

  it("chainSealedBody continues zlib's crc32 over the storage key and the body", () => {
    const [key, value] = encodeRevisionRecord({ main: 5, sub: 1 }, false, { ...kv, value: new Uint8Array(2000).fill(3) });
    for (const seed of [0, 1, 0xdeadbeef]) expect(chainSealedBody(seed, key, value)).toBe(crc32(value.subarray(4), crc32(key, seed)));
  });

  it('RecordBatch writes the same entries as encodeRevisionRecord, each left intact by the ones after it', () => {
    const batch = new RecordBatch();
    const made: Array<{ expected: [Uint8Array, Uint8Array]; got: [Uint8Array, Uint8Array] }> = [];
    // Small records fill shared buffers; a 3 MB value is larger than one and gets its own.
    const sizes = [0, 1, 100, 3 << 20, 5, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 70_000, 9];
    sizes.forEach((size, i) => {
      const tombstone = i % 4 === 3;
      const record: KeyValue = { ...kv, key: utf8Encode(`key ${i}`), value: new Uint8Array(size).fill(i), modRevision: 10 + i };
      const revision = { main: 10 + i, sub: i };
      const body = encodeKeyValue(tombstone ? tombstoneKeyValue(record.key) : record);
      const op = batch.put(revision, tombstone, body);
      expect(op.keyspace).toBe('rev');
      made.push({ expected: encodeRevisionRecord(revision, tombstone, record), got: [op.key, op.value] });
    });
    for (const { expected, got } of made) {
      expect(Buffer.from(got[0]).equals(Buffer.from(expected[0]))).toBe(true);
      expect(Buffer.from(got[1]).equals(Buffer.from(expected[1]))).toBe(true);
      expect(decodeRevisionRecord(got[0], got[1])).toEqual(decodeRevisionRecord(expected[0], expected[1]));
    }
  });
});
