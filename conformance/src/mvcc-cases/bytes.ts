/**
 * Keys and values: strings (UTF-8) and Uint8Arrays name the same bytes, any byte is allowed,
 * results are always Uint8Array, and neither side can change the other's bytes afterwards.
 */
import { expect } from 'vitest';
import type { KeyValue } from '@tidekv/core';
import type { MvccCase } from '../mvcc-case.js';
import { bytes, utf8 } from '../support/bytes.js';
import { everything, tuple } from '../support/mvcc.js';

const group = 'keys and values';

function expectBytes(kv: KeyValue): void {
  expect(kv.key).toBeInstanceOf(Uint8Array);
  expect(kv.value).toBeInstanceOf(Uint8Array);
  for (const field of ['createRevision', 'modRevision', 'version', 'lease'] as const) {
    expect(Number.isSafeInteger(kv[field]), `${field} is a safe integer`).toBe(true);
  }
}

export const bytesCases: MvccCase[] = [
  {
    group,
    name: 'a string and its UTF-8 bytes are the same key and value; results are bytes',
    async run({ kv }) {
      await kv.put('héllo ✓', 'wörld');
      const got = (await kv.range(utf8('héllo ✓'))).kvs[0]!;
      expectBytes(got);
      expect(Buffer.from(got.key).equals(Buffer.from('héllo ✓'))).toBe(true);
      expect(Buffer.from(got.value).equals(Buffer.from('wörld'))).toBe(true);
      await kv.put(utf8('héllo ✓'), utf8('again'));
      expect(tuple((await kv.range('héllo ✓')).kvs[0]!).slice(2)).toEqual([2, 3, 2]);
      await kv.put('😀', '😀');
      expect(Buffer.from((await kv.range(Uint8Array.of(0xf0, 0x9f, 0x98, 0x80))).kvs[0]!.value).toString()).toBe('😀');
    },
  },
  {
    group,
    name: 'binary keys and values with 0x00 and 0xFF bytes round-trip, in bytewise order',
    async run({ kv }) {
      const keys = [bytes(0x00), bytes(0x00, 0x00), bytes(0x01), bytes(0x7f), bytes(0x80), bytes(0xc3, 0xa9), bytes(0xfe, 0xff), bytes(0xff), bytes(0xff, 0x00)];
      for (const key of [...keys].reverse()) await kv.put(key, Uint8Array.from([...key, 0xff, 0x00]));
      const all = (await kv.range('\0', { end: '\0' })).kvs;
      expect(all.map((x) => Buffer.from(x.key).toString('hex'))).toEqual(keys.map((k) => Buffer.from(k).toString('hex')));
      for (const item of all) {
        expectBytes(item);
        expect([...item.value]).toEqual([...item.key, 0xff, 0x00]);
      }
    },
  },
  {
    group,
    name: 'Buffers and offset views into larger buffers are read at their offsets',
    async run({ kv }) {
      const backing = Uint8Array.from([9, 9, 0x6b, 0x31, 9, 0x76, 0x31, 9]);
      await kv.put(backing.subarray(2, 4), backing.subarray(5, 7));
      await kv.put(Buffer.from('k2'), Buffer.from('v2'));
      expect(await everything(kv)).toEqual([['k1', 'v1', 2, 2, 1], ['k2', 'v2', 3, 3, 1]]);
    },
  },
  {
    group,
    name: 'changing a caller\'s array after put, or a returned array, changes nothing stored',
    async run({ kv }) {
      const key = utf8('key');
      const value = utf8('value');
      await kv.put(key, value);
      key[0] = 0x78;
      value[0] = 0x78;
      const first = (await kv.range('key')).kvs[0]!;
      expect(tuple(first)).toEqual(['key', 'value', 2, 2, 1]);
      first.key[0] = 0x79;
      first.value[0] = 0x79;
      expect(tuple((await kv.range('key')).kvs[0]!)).toEqual(['key', 'value', 2, 2, 1]);
      const prev = (await kv.put('key', 'v2', { prevKv: true })).prevKv!;
      prev.value[0] = 0x7a;
      expect(tuple((await kv.range('key', { revision: 2 })).kvs[0]!)).toEqual(['key', 'value', 2, 2, 1]);
    },
  },
  {
    group,
    name: 'large values (1 MiB) round-trip',
    async run({ kv }) {
      const value = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
      await kv.put('big', value);
      const got = (await kv.range('big')).kvs[0]!;
      expect(got.value.length).toBe(value.length);
      expect(Buffer.from(got.value).equals(Buffer.from(value))).toBe(true);
    },
  },
];
