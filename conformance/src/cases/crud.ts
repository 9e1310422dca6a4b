import { expect } from 'vitest';
import type { Case } from '../case.js';
import { bytes, hex, hexEntries, utf8 } from '../support/bytes.js';
import { readAll } from '../support/read.js';

const group = 'crud';
const noSyncReads = (caps: { syncReads: boolean }) => (caps.syncReads ? false : 'capabilities.syncReads is false');

export const crudCases: Case[] = [
  {
    group,
    name: 'get of a missing key resolves undefined',
    async run({ ks }) {
      expect(await ks.get(utf8('missing'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'put then get returns the same bytes as a Uint8Array',
    async run({ ks }) {
      await ks.put(utf8('a'), utf8('one'));
      const value = await ks.get(utf8('a'));
      expect(value).toBeInstanceOf(Uint8Array);
      expect(hex(value)).toBe(hex(utf8('one')));
    },
  },
  {
    group,
    name: 'put overwrites the previous value',
    async run({ ks }) {
      await ks.put(utf8('a'), utf8('one'));
      await ks.put(utf8('a'), utf8('two, longer'));
      await ks.put(utf8('a'), utf8('3'));
      expect(hex(await ks.get(utf8('a')))).toBe(hex(utf8('3')));
      expect(await readAll(ks)).toHaveLength(1);
    },
  },
  {
    group,
    name: 'del removes a key, and deleting a missing key succeeds',
    async run({ ks }) {
      await ks.put(utf8('a'), utf8('one'));
      await ks.put(utf8('b'), utf8('two'));
      await ks.del(utf8('a'));
      await ks.del(utf8('never-written'));
      expect(await ks.get(utf8('a'))).toBeUndefined();
      expect(hex(await ks.get(utf8('b')))).toBe(hex(utf8('two')));
    },
  },
  {
    group,
    name: 'an empty value is stored and differs from a missing key',
    async run({ ks }) {
      await ks.put(utf8('empty'), new Uint8Array(0));
      const value = await ks.get(utf8('empty'));
      expect(value).toBeInstanceOf(Uint8Array);
      expect(value!.length).toBe(0);
      expect(hexEntries(await readAll(ks))).toEqual([[hex(utf8('empty')), '']]);
    },
  },
  {
    group,
    name: 'getMany returns values in argument order with undefined for missing keys',
    async run({ ks }) {
      await ks.put(utf8('a'), utf8('1'));
      await ks.put(utf8('c'), utf8('3'));
      const values = await ks.getMany([utf8('c'), utf8('b'), utf8('a'), utf8('c'), new Uint8Array(0)]);
      expect(values.map(hex)).toEqual([hex(utf8('3')), undefined, hex(utf8('1')), hex(utf8('3')), undefined]);
      expect(await ks.getMany([])).toEqual([]);
    },
  },
  {
    group,
    name: 'put stores a copy: changing the caller\'s buffers afterwards changes nothing',
    async run({ ks }) {
      const key = utf8('key');
      const value = utf8('value');
      await ks.put(key, value);
      value.fill(0x21);
      key.fill(0x21);
      expect(hex(await ks.get(utf8('key')))).toBe(hex(utf8('value')));
      expect(await ks.get(utf8('!!!'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'Buffers and Uint8Array views at an offset work as keys and values',
    async run({ ks }) {
      const backing = bytes(9, 9, 1, 2, 3, 9, 9);
      const key = backing.subarray(2, 5);
      await ks.put(key, Buffer.from('buffer value'));
      expect(hex(await ks.get(bytes(1, 2, 3)))).toBe(hex(utf8('buffer value')));
      expect(hex(await ks.get(Buffer.from([1, 2, 3])))).toBe(hex(utf8('buffer value')));
      expect(hexEntries(await readAll(ks))).toEqual([['010203', hex(utf8('buffer value'))]]);
    },
  },
  {
    group,
    name: 'write() puts and deletes in the keyspace the ops name',
    async run(ctx) {
      await ctx.ks.put(utf8('gone'), utf8('x'));
      await ctx.engine.write([ctx.put(utf8('a'), utf8('1')), ctx.put(utf8('b'), utf8('2')), ctx.del(utf8('gone'))]);
      expect(hexEntries(await readAll(ctx.ks))).toEqual([
        [hex(utf8('a')), hex(utf8('1'))],
        [hex(utf8('b')), hex(utf8('2'))],
      ]);
    },
  },
  {
    group,
    name: 'an empty write() batch resolves and changes nothing',
    async run(ctx) {
      await ctx.ks.put(utf8('a'), utf8('1'));
      await ctx.engine.write([]);
      await ctx.engine.write([], { sync: true });
      expect(await readAll(ctx.ks)).toHaveLength(1);
    },
  },
  {
    group,
    name: 'sync: true is accepted by put, del, clear and write',
    async run(ctx) {
      await ctx.ks.put(utf8('a'), utf8('1'), { sync: true });
      await ctx.ks.put(utf8('b'), utf8('2'), { sync: false });
      await ctx.ks.del(utf8('a'), { sync: true });
      await ctx.engine.write([ctx.put(utf8('c'), utf8('3'))], { sync: true });
      expect((await readAll(ctx.ks)).length).toBe(2);
      await ctx.ks.clear({ gte: utf8('c') }, { sync: true });
      expect(hexEntries(await readAll(ctx.ks))).toEqual([[hex(utf8('b')), hex(utf8('2'))]]);
      await ctx.engine.flush();
    },
  },
  {
    group,
    name: "keyspace() returns a handle named after its keyspace, and 'default' always exists",
    async run(ctx) {
      expect(ctx.engine.keyspace('default').name).toBe('default');
      expect(ctx.ks.name).toBe(ctx.pass.keyspace);
      expect(await ctx.engine.keyspace('default').get(utf8('x'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'two handles on the same keyspace see the same data',
    async run(ctx) {
      const a = ctx.engine.keyspace(ctx.pass.keyspace);
      const b = ctx.engine.keyspace(ctx.pass.keyspace);
      await a.put(utf8('k'), utf8('v'));
      expect(hex(await b.get(utf8('k')))).toBe(hex(utf8('v')));
      await b.del(utf8('k'));
      expect(await a.get(utf8('k'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'flush() resolves on an open engine, with and without pending writes',
    async run(ctx) {
      await ctx.engine.flush();
      await ctx.ks.put(utf8('a'), utf8('1'));
      await Promise.all([ctx.engine.flush(), ctx.engine.flush()]);
      expect(hex(await ctx.ks.get(utf8('a')))).toBe(hex(utf8('1')));
    },
  },
  {
    group,
    name: 'getSync sees every acknowledged write and returns undefined for missing keys',
    skip: (_caps, options) => (options.getSync ? false : 'keyspace.getSync is absent'),
    async run(ctx) {
      const getSync = ctx.ks.getSync?.bind(ctx.ks);
      expect(getSync, 'keyspace.getSync must exist (syncReads is true or the probe found it)').toBeTypeOf('function');
      expect(getSync!(utf8('a'))).toBeUndefined();
      await ctx.ks.put(utf8('a'), utf8('1'));
      await ctx.engine.write([ctx.put(utf8('b'), utf8('2'))]);
      expect(hex(getSync!(utf8('a')))).toBe(hex(utf8('1')));
      expect(hex(getSync!(utf8('b')))).toBe(hex(utf8('2')));
      await ctx.ks.del(utf8('a'));
      expect(getSync!(utf8('a'))).toBeUndefined();
      expect(getSync!(new Uint8Array(0))).toBeUndefined();
    },
  },
  {
    group,
    name: 'iterateSync returns the same entries as iterate, for ranges and reverse',
    skip: noSyncReads,
    async run(ctx) {
      const iterateSync = ctx.ks.iterateSync?.bind(ctx.ks);
      expect(iterateSync, 'syncReads is true, so keyspace.iterateSync must exist').toBeTypeOf('function');
      for (let i = 0; i < 20; i++) await ctx.ks.put(bytes(i * 10), bytes(i));
      const ranges = [{}, { gte: bytes(50) }, { gt: bytes(50), lt: bytes(150), reverse: true }, { limit: 3, reverse: true }];
      for (const range of ranges) {
        expect(hexEntries([...iterateSync!(range)]), JSON.stringify(range)).toEqual(hexEntries(await readAll(ctx.ks, range)));
      }
      expect([...iterateSync!()]).toHaveLength(20);
    },
  },
];
