import { expect } from 'vitest';
import type { Case } from '../case.js';
import { hex, hexEntries, hexKeys, utf8 } from '../support/bytes.js';
import { readAll } from '../support/read.js';

const group = 'keyspaces';
const OTHER = 'conformance-other';

export const keyspaceCases: Case[] = [
  {
    group,
    name: 'the same key holds independent values in two keyspaces',
    async run(ctx) {
      const other = ctx.engine.keyspace(OTHER);
      await ctx.ks.put(utf8('k'), utf8('mine'));
      await other.put(utf8('k'), utf8('theirs'));
      expect(hex(await ctx.ks.get(utf8('k')))).toBe(hex(utf8('mine')));
      expect(hex(await other.get(utf8('k')))).toBe(hex(utf8('theirs')));
      await other.del(utf8('k'));
      expect(hex(await ctx.ks.get(utf8('k')))).toBe(hex(utf8('mine')));
      expect(await other.get(utf8('k'))).toBeUndefined();
    },
  },
  {
    group,
    name: 'iteration stays inside its keyspace, forward and reverse',
    async run(ctx) {
      const before = ctx.engine.keyspace('conformance-a');
      const after = ctx.engine.keyspace('conformance-z');
      await before.put(utf8('a'), utf8('x'));
      await before.put(utf8('m'), utf8('x'));
      await after.put(utf8('b'), utf8('x'));
      await after.put(new Uint8Array(0), utf8('x'));
      await ctx.ks.put(utf8('k'), utf8('mine'));
      expect(hexKeys(await readAll(ctx.ks))).toEqual([hex(utf8('k'))]);
      expect(hexKeys(await readAll(ctx.ks, { reverse: true }))).toEqual([hex(utf8('k'))]);
      expect(hexKeys(await readAll(ctx.ks, { lt: utf8('z'), gt: new Uint8Array(0) }))).toEqual([hex(utf8('k'))]);
      expect(hexKeys(await readAll(before))).toEqual([hex(utf8('a')), hex(utf8('m'))]);
    },
  },
  {
    group,
    name: 'clear() and delRange in one keyspace leave other keyspaces alone',
    async run(ctx) {
      const other = ctx.engine.keyspace(OTHER);
      for (const k of ['a', 'b', 'c']) {
        await ctx.ks.put(utf8(k), utf8('mine'));
        await other.put(utf8(k), utf8('theirs'));
      }
      await ctx.ks.clear();
      expect(await readAll(ctx.ks)).toEqual([]);
      expect((await readAll(other)).length).toBe(3);
      await ctx.ks.put(utf8('a'), utf8('mine'));
      await ctx.engine.write([{ type: 'delRange', keyspace: OTHER, range: { gte: utf8('b') } }]);
      expect(hexKeys(await readAll(other))).toEqual([hex(utf8('a'))]);
      expect(hexEntries(await readAll(ctx.ks))).toEqual([[hex(utf8('a')), hex(utf8('mine'))]]);
    },
  },
  {
    group,
    name: "writes to this pass's keyspace are invisible in every other keyspace",
    async run(ctx) {
      await ctx.engine.write([ctx.put(utf8('p'), utf8('1')), ctx.put(new Uint8Array(0), utf8('2'))]);
      for (const name of ['default', 'conformance-pass-2', OTHER].filter((n) => n !== ctx.pass.keyspace)) {
        expect(await readAll(ctx.engine.keyspace(name)), name).toEqual([]);
        expect(await ctx.engine.keyspace(name).get(utf8('p')), name).toBeUndefined();
      }
    },
  },
  {
    group,
    name: 'keyspace names at the edges of the rules work (1 and 64 chars, digits, _ and -)',
    async run(ctx) {
      const names = ['a', 'Z', '0', '_', '-', 'x'.repeat(64), 'Mixed_Case-09'];
      for (const name of names) await ctx.engine.keyspace(name).put(utf8('k'), utf8(name));
      for (const name of names) expect(hex(await ctx.engine.keyspace(name).get(utf8('k'))), name).toBe(hex(utf8(name)));
    },
  },
  {
    group,
    name: 'keyspace names are case-sensitive',
    async run(ctx) {
      await ctx.engine.keyspace('CaseTest').put(utf8('k'), utf8('upper'));
      await ctx.engine.keyspace('casetest').put(utf8('k'), utf8('lower'));
      expect(hex(await ctx.engine.keyspace('CaseTest').get(utf8('k')))).toBe(hex(utf8('upper')));
      expect(hex(await ctx.engine.keyspace('casetest').get(utf8('k')))).toBe(hex(utf8('lower')));
    },
  },
  {
    group,
    name: 'keyspace names that share a prefix do not overlap',
    async run(ctx) {
      const short = ctx.engine.keyspace('ks');
      const long = ctx.engine.keyspace('ks_1');
      const dash = ctx.engine.keyspace('ks-1');
      await short.put(utf8('_1'), utf8('short'));
      await long.put(new Uint8Array(0), utf8('long'));
      await dash.put(utf8('x'), utf8('dash'));
      expect(hexKeys(await readAll(short))).toEqual([hex(utf8('_1'))]);
      expect(hexKeys(await readAll(long))).toEqual(['']);
      expect(hexKeys(await readAll(dash))).toEqual([hex(utf8('x'))]);
      await short.clear();
      expect((await readAll(long)).length + (await readAll(dash)).length).toBe(2);
    },
  },
  {
    group,
    name: 'many keyspaces can be used at once',
    async run(ctx) {
      const names = Array.from({ length: 20 }, (_, i) => `conformance-many-${i}`);
      await ctx.engine.write(names.map((keyspace, i) => ({ type: 'put', keyspace, key: utf8('k'), value: Uint8Array.of(i) })));
      for (let i = 0; i < names.length; i++) {
        expect(hexEntries(await readAll(ctx.engine.keyspace(names[i]!)))).toEqual([[hex(utf8('k')), hex(Uint8Array.of(i))]]);
      }
    },
  },
  {
    group,
    name: 'long keyspace names that differ only in their last character are distinct, through put, write and snapshots, and across reopen',
    async run(ctx) {
      const stem = 'k'.repeat(63);
      const names = [`${stem}A`, `${stem}a`, `${stem}B`, `${'k'.repeat(62)}A`];
      await ctx.engine.keyspace(names[0]!).put(utf8('k'), utf8(names[0]!));
      await ctx.engine.write(names.slice(1).map((keyspace) => ({ type: 'put', keyspace, key: utf8('k'), value: utf8(keyspace) })));
      const check = async (when: string) => {
        for (const name of names) {
          expect(hexEntries(await readAll(ctx.engine.keyspace(name))), `${name} ${when}`).toEqual([[hex(utf8('k')), hex(utf8(name))]]);
        }
      };
      await check('live');
      if (ctx.caps.snapshots) {
        const snapshot = ctx.engine.snapshot!();
        try {
          for (const name of names) expect(hex(await snapshot.keyspace(name).get(utf8('k'))), `snapshot ${name}`).toBe(hex(utf8(name)));
        } finally {
          await snapshot.close();
        }
      }
      if (ctx.options.reopen) {
        await ctx.reopen();
        await check('after reopen');
      }
    },
  },
  {
    group,
    name: 'keyspace names differing only in case stay distinct across reopen, and clearing one leaves the other',
    async run(ctx) {
      const names = ['Data', 'data', 'DATA'];
      await ctx.engine.write(names.map((keyspace) => ({ type: 'put', keyspace, key: utf8(keyspace), value: utf8(keyspace) })));
      if (ctx.options.reopen) await ctx.reopen();
      for (const name of names) {
        expect(hexEntries(await readAll(ctx.engine.keyspace(name))), name).toEqual([[hex(utf8(name)), hex(utf8(name))]]);
      }
      await ctx.engine.keyspace('data').clear();
      if (ctx.options.reopen) await ctx.reopen();
      expect(await readAll(ctx.engine.keyspace('data'))).toEqual([]);
      expect(hexKeys(await readAll(ctx.engine.keyspace('Data')))).toEqual([hex(utf8('Data'))]);
      expect(hexKeys(await readAll(ctx.engine.keyspace('DATA')))).toEqual([hex(utf8('DATA'))]);
    },
  },
];
