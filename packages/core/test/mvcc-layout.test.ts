import { describe, expect, it } from 'vitest';
import { decodeKeyValue, encodeKeyValue, encodeRevisionKey, tombstoneKeyValue, utf8Encode, type KeyValue } from '../src/index.js';
import { decodeMetaValue, decodeRevisionRecord, encodeMetaValue, encodeRevisionRecord } from '../src/mvcc/layout.js';
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
});
