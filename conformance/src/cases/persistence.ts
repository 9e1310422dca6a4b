import { expect } from 'vitest';
import type { Case, CaseContext } from '../case.js';
import { hex, hexEntries, utf8, valueFor } from '../support/bytes.js';
import { readAll } from '../support/read.js';
import type { ResolvedOptions } from '../case.js';

const group = 'close and reopen';
const OTHER = 'conformance-other';
const needsReopen = (_caps: unknown, options: ResolvedOptions) =>
  options.reopen ? false : 'reopen is off (the engine is not persistent, or describeEngine was given reopen: false)';

async function snapshotOf(ctx: CaseContext, names: string[]) {
  const out: Record<string, [string, string][]> = {};
  for (const name of names) out[name] = hexEntries(await readAll(ctx.engine.keyspace(name)));
  return out;
}

export const persistenceCases: Case[] = [
  {
    group,
    name: 'data in every keyspace survives close and reopen',
    skip: needsReopen,
    async run(ctx) {
      await ctx.engine.write([
        ctx.put(utf8('a'), utf8('1')),
        ctx.put(new Uint8Array(0), utf8('empty key')),
        ctx.put(Uint8Array.of(0xff, 0x00), Uint8Array.of(0, 1, 2)),
        { type: 'put', keyspace: OTHER, key: utf8('a'), value: utf8('other') },
        { type: 'put', keyspace: 'conformance-third', key: utf8('t'), value: new Uint8Array(0) },
      ]);
      await ctx.ks.put(utf8('b'), utf8('2'));
      const names = [ctx.pass.keyspace, OTHER, 'conformance-third'];
      const before = await snapshotOf(ctx, names);
      await ctx.reopen();
      expect(await snapshotOf(ctx, names)).toEqual(before);
      expect(before[ctx.pass.keyspace]).toHaveLength(4);
    },
  },
  {
    group,
    name: 'deletes, delRange and clear survive reopen',
    skip: needsReopen,
    async run(ctx) {
      await ctx.engine.write(Array.from({ length: 10 }, (_, i) => ctx.put(Uint8Array.of(i), Uint8Array.of(i))));
      await ctx.engine.keyspace(OTHER).put(utf8('x'), utf8('x'));
      await ctx.ks.del(Uint8Array.of(0));
      await ctx.engine.write([ctx.delRange({ gte: Uint8Array.of(3), lt: Uint8Array.of(6) })]);
      await ctx.engine.keyspace(OTHER).clear();
      await ctx.reopen();
      expect(hexEntries(await readAll(ctx.ks))).toEqual([1, 2, 6, 7, 8, 9].map((i) => [hex(Uint8Array.of(i)), hex(Uint8Array.of(i))]));
      expect(await readAll(ctx.engine.keyspace(OTHER))).toEqual([]);
    },
  },
  {
    group,
    name: 'flush then reopen keeps every acknowledged write',
    skip: needsReopen,
    async run(ctx) {
      for (let i = 0; i < 50; i++) await ctx.ks.put(utf8(`k${i}`), valueFor(utf8(`k${i}`)));
      await ctx.engine.flush();
      await ctx.reopen();
      const values = await ctx.ks.getMany(Array.from({ length: 50 }, (_, i) => utf8(`k${i}`)));
      expect(values.map(hex)).toEqual(Array.from({ length: 50 }, (_, i) => hex(valueFor(utf8(`k${i}`)))));
    },
  },
  {
    group,
    name: 'the latest overwrite is what survives',
    skip: needsReopen,
    async run(ctx) {
      for (let i = 0; i < 5; i++) await ctx.ks.put(utf8('k'), Uint8Array.of(i));
      await ctx.engine.write([ctx.put(utf8('k'), utf8('final'))], { sync: true });
      await ctx.reopen();
      expect(hex(await ctx.ks.get(utf8('k')))).toBe(hex(utf8('final')));
    },
  },
  {
    group,
    name: 'several close/reopen cycles accumulate data, with writes after each reopen',
    skip: needsReopen,
    async run(ctx) {
      for (let round = 0; round < 3; round++) {
        await ctx.ks.put(Uint8Array.of(round), Uint8Array.of(round));
        await ctx.reopen();
        expect((await readAll(ctx.ks)).length).toBe(round + 1);
      }
    },
  },
  {
    group,
    name: '1000 entries keep their order across reopen',
    skip: needsReopen,
    async run(ctx) {
      const keys = Array.from({ length: 1000 }, (_, i) => Uint8Array.of((i * 7) % 256, i >> 8, i & 0xff));
      await ctx.engine.write(keys.map((k) => ctx.put(k, valueFor(k))));
      const before = hexEntries(await readAll(ctx.ks));
      await ctx.reopen();
      expect(hexEntries(await readAll(ctx.ks))).toEqual(before);
      expect(hexEntries(await readAll(ctx.ks, { reverse: true, limit: 10 }))).toEqual(before.slice(-10).reverse());
    },
  },
  {
    group,
    name: 'capabilities are identical after reopen',
    skip: needsReopen,
    async run(ctx) {
      const before = { ...ctx.engine.capabilities };
      await ctx.ks.put(utf8('a'), utf8('1'));
      await ctx.reopen();
      expect({ ...ctx.engine.capabilities }).toEqual(before);
    },
  },
];
