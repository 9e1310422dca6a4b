import { expect } from 'vitest';
import type { Case } from '../case.js';
import { bytes, hex, hexEntries, hexKeys, utf8, valueFor } from '../support/bytes.js';
import { readAll } from '../support/read.js';

const group = 'binary keys';

export const binaryKeyCases: Case[] = [
  {
    group,
    name: 'keys and values with 0x00 and 0xFF bytes round-trip exactly',
    async run({ ks }) {
      const keys = [bytes(0), bytes(0, 0), bytes(0xff), bytes(0xff, 0xff, 0xff), bytes(0, 0xff, 0), bytes(0x61, 0, 0x62), bytes(0xc3, 0x28), bytes(0xed, 0xa0, 0x80)];
      for (const key of keys) await ks.put(key, bytes(0, ...key, 0xff));
      for (const key of keys) expect(hex(await ks.get(key)), hex(key)).toBe(hex(bytes(0, ...key, 0xff)));
      expect(await readAll(ks)).toHaveLength(keys.length);
    },
  },
  {
    group,
    name: 'the empty key can be put, read, iterated and deleted',
    async run({ ks }) {
      const empty = new Uint8Array(0);
      await ks.put(empty, utf8('empty key'));
      await ks.put(bytes(0), utf8('zero'));
      expect(hex(await ks.get(empty))).toBe(hex(utf8('empty key')));
      expect(hex(await ks.get(new Uint8Array(0)))).toBe(hex(utf8('empty key')));
      expect(hexKeys(await readAll(ks))).toEqual(['', '00']);
      expect(hexKeys(await readAll(ks, { lte: empty }))).toEqual(['']);
      expect(hexKeys(await readAll(ks, { gt: empty }))).toEqual(['00']);
      await ks.del(empty);
      expect(await ks.get(empty)).toBeUndefined();
      expect(hexKeys(await readAll(ks))).toEqual(['00']);
    },
  },
  {
    group,
    name: 'keys that differ only by trailing 0x00 bytes are distinct',
    async run({ ks }) {
      await ks.put(bytes(1), utf8('a'));
      await ks.put(bytes(1, 0), utf8('b'));
      await ks.put(bytes(1, 0, 0), utf8('c'));
      expect(hex(await ks.get(bytes(1)))).toBe(hex(utf8('a')));
      expect(hex(await ks.get(bytes(1, 0)))).toBe(hex(utf8('b')));
      expect(hex(await ks.get(bytes(1, 0, 0)))).toBe(hex(utf8('c')));
      await ks.del(bytes(1, 0));
      expect(hexKeys(await readAll(ks))).toEqual(['01', '010000']);
    },
  },
  {
    group,
    name: 'all 256 single-byte keys round-trip and iterate in byte order',
    async run({ ks }) {
      const order = Array.from({ length: 256 }, (_, i) => (i * 97) % 256); // a permutation
      for (const b of order) await ks.put(bytes(b), valueFor(bytes(b)));
      const entries = await readAll(ks);
      expect(hexEntries(entries)).toEqual(Array.from({ length: 256 }, (_, b) => [hex(bytes(b)), hex(valueFor(bytes(b)))]));
    },
  },
  {
    group,
    name: 'keys that are not valid UTF-8 are kept byte for byte',
    async run({ ks }) {
      const keys = [bytes(0x80), bytes(0xc0, 0xaf), bytes(0xf8, 0x88, 0x80, 0x80, 0x80), bytes(0xfe, 0xff)];
      for (const key of keys) await ks.put(key, key);
      expect(hexEntries(await readAll(ks))).toEqual(keys.map((k) => [hex(k), hex(k)]));
    },
  },
];
