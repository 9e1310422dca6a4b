import { expect } from 'vitest';
import type { TidekvErrorCode, WriteOp } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { bytes, hex, hexEntries, hexKeys, utf8 } from '../support/bytes.js';
import { expectTidekvError } from '../support/expect-error.js';
import { captureState, expectStateUnchanged } from '../support/state.js';
import { readAll } from '../support/read.js';

const group = 'atomic write';
const OTHER = 'conformance-other';

interface InvalidOp {
  name: string;
  code: TidekvErrorCode;
  op: (ctx: CaseContext) => unknown;
  skip?: Case['skip'];
}

const tooLargeToAllocate = 64 * 1024 * 1024;

const INVALID_OPS: InvalidOp[] = [
  { name: 'a put with a string key', code: 'INVALID_KEY', op: (ctx) => ({ ...ctx.put(bytes(1), bytes(1)), key: 'k' }) },
  { name: 'a put with a null key', code: 'INVALID_KEY', op: (ctx) => ({ ...ctx.put(bytes(1), bytes(1)), key: null }) },
  { name: 'a put without a key', code: 'INVALID_KEY', op: (ctx) => ({ type: 'put', value: bytes(1), keyspace: ctx.pass.keyspace }) },
  { name: 'a put with an undefined value', code: 'INVALID_VALUE', op: (ctx) => ({ ...ctx.put(bytes(1), bytes(1)), value: undefined }) },
  { name: 'a put with a number value', code: 'INVALID_VALUE', op: (ctx) => ({ ...ctx.put(bytes(1), bytes(1)), value: 7 }) },
  { name: 'a del with an array key', code: 'INVALID_KEY', op: (ctx) => ({ ...ctx.del(bytes(1)), key: [1, 2] }) },
  { name: 'a delRange with an unknown range option', code: 'INVALID_RANGE', op: (ctx) => ctx.delRange({ from: bytes(1) } as never) },
  { name: 'a delRange with a string bound', code: 'INVALID_RANGE', op: (ctx) => ctx.delRange({ gte: 'a' } as never) },
  { name: "an op of unknown type 'merge'", code: 'INVALID_ARGUMENT', op: () => ({ type: 'merge', key: bytes(1), value: bytes(1) }) },
  { name: 'an op without a type', code: 'INVALID_ARGUMENT', op: () => ({ key: bytes(1), value: bytes(1) }) },
  { name: 'a null op', code: 'INVALID_ARGUMENT', op: () => null },
  { name: 'a string op', code: 'INVALID_ARGUMENT', op: () => 'put' },
  { name: "an op naming keyspace '../x'", code: 'INVALID_KEYSPACE', op: () => ({ type: 'put', keyspace: '../x', key: bytes(1), value: bytes(1) }) },
  { name: 'an op naming an empty keyspace', code: 'INVALID_KEYSPACE', op: () => ({ type: 'del', keyspace: '', key: bytes(1) }) },
  {
    name: 'a put whose key is one byte over maxKeySize',
    code: 'KEY_TOO_LARGE',
    op: (ctx) => ctx.put(new Uint8Array(ctx.caps.maxKeySize + 1), bytes(1)),
    skip: (caps) => (caps.maxKeySize >= tooLargeToAllocate ? `maxKeySize ${caps.maxKeySize} is too large to allocate in a test` : false),
  },
  {
    name: 'a put whose value is one byte over maxValueSize',
    code: 'VALUE_TOO_LARGE',
    op: (ctx) => ctx.put(bytes(1), new Uint8Array(ctx.caps.maxValueSize + 1)),
    skip: (caps) => (caps.maxValueSize >= tooLargeToAllocate ? `maxValueSize ${caps.maxValueSize} is too large to allocate in a test` : false),
  },
];

async function seed(ctx: CaseContext): Promise<void> {
  await ctx.engine.write([
    ctx.put(utf8('a'), utf8('1')),
    ctx.put(utf8('b'), utf8('2')),
    ctx.put(utf8('c'), utf8('3')),
    { type: 'put', keyspace: OTHER, key: utf8('a'), value: utf8('other') },
  ]);
}

/** A batch holding `invalid` (placed as `ops` places it) must fail with its code and change nothing in any keyspace. */
function rejectedBatch(invalid: InvalidOp, where: string, ops: (ctx: CaseContext, invalidOp: unknown) => unknown[]): Case {
  return {
    group,
    name: `a batch ${where} ${invalid.name} writes nothing (${invalid.code})`,
    skip: invalid.skip,
    async run(ctx) {
      await seed(ctx);
      const before = await captureState(ctx.engine, [ctx.pass.keyspace, OTHER]);
      const batch = ops(ctx, invalid.op(ctx)) as WriteOp[];
      await expectTidekvError(() => ctx.engine.write(batch), invalid.code, 'write()');
      await expectStateUnchanged(ctx.engine, before, 'a rejected batch');
    },
  };
}

const atomicityCases: Case[] = INVALID_OPS.flatMap((invalid): Case[] => [
  rejectedBatch(invalid, 'ending in', (ctx, invalidOp) => [
    ctx.put(utf8('new'), utf8('x')),
    ctx.put(utf8('a'), utf8('changed')),
    ctx.del(utf8('b')),
    ctx.delRange({ gte: utf8('c') }),
    { type: 'put', keyspace: OTHER, key: utf8('z'), value: utf8('z') },
    invalidOp,
  ]),
  rejectedBatch(invalid, 'starting with', (ctx, invalidOp) => [invalidOp, ctx.put(utf8('new'), utf8('x')), ctx.del(utf8('a'))]),
]);

/**
 * Reads and snapshots taken while a write() of `count` puts (with a del, a delRange and a put
 * into another keyspace in the middle) is in flight must each see all of it or none of it.
 * Large batches too: an engine may apply a big batch in slices, yielding between them.
 */
async function inFlightWrite(ctx: CaseContext, count: number): Promise<void> {
  const half = count >> 1;
  const others = ctx.engine.keyspace(OTHER);
  await ctx.engine.write([ctx.put(utf8('gone'), utf8('x')), ctx.put(utf8('r1'), utf8('x')), ctx.put(utf8('r2'), utf8('x'))]);
  const keys = Array.from({ length: count }, (_, i) => utf8(`w${String(i).padStart(5, '0')}`));
  const ops = [
    ...keys.slice(0, half).map((key) => ctx.put(key, key)),
    ctx.del(utf8('gone')),
    ctx.delRange({ prefix: utf8('r') }),
    { type: 'put', keyspace: OTHER, key: utf8('o'), value: utf8('o') } as WriteOp,
    ...keys.slice(half).map((key) => ctx.put(key, key)),
  ];
  const probe = [keys[0]!, keys[half - 1]!, keys[half]!, keys[count - 1]!, utf8('gone'), utf8('r1'), utf8('r2')];
  const verdict = (values: (Uint8Array | undefined)[], other: Uint8Array | undefined): string => {
    const applied = values.map((v, i) => (i < 4 ? v !== undefined : v === undefined));
    applied.push(other !== undefined);
    if (applied.every(Boolean)) return 'all';
    if (applied.every((a) => !a)) return 'none';
    return `part of it (${applied.map((a) => (a ? 1 : 0)).join('')})`;
  };
  /**
   * Separate getSync calls are separate reads: an engine that applies a batch on another
   * thread (LevelDB) may make it visible between two of them. So the probe is read
   * forwards and then backwards, and the batch must appear at most once, at one point in
   * that sequence: applied flags of the form 0...01...1. Half a batch visible at one
   * moment breaks that pattern in one of the two directions.
   */
  const syncVerdict = (): string => {
    const flags: boolean[] = [];
    const read = (i: number) => {
      const v = ctx.ks.getSync!(probe[i]!);
      flags.push(i < 4 ? v !== undefined : v === undefined);
    };
    for (let i = 0; i < probe.length; i++) read(i);
    flags.push(others.getSync!(utf8('o')) !== undefined);
    for (let i = probe.length - 1; i >= 0; i--) read(i);
    const firstApplied = flags.indexOf(true);
    if (firstApplied === -1) return 'none';
    if (flags.slice(firstApplied).some((applied) => !applied)) return `part of it (${flags.map((a) => (a ? 1 : 0)).join('')})`;
    return firstApplied === 0 ? 'all' : 'none, then all';
  };
  const seen: string[] = [];
  const look = async (when: string) => {
    if (ctx.caps.snapshots) {
      // taken synchronously, read at leisure: a snapshot is one point in time
      const snapshot = ctx.engine.snapshot!();
      try {
        const view = snapshot.keyspace(ctx.pass.keyspace);
        seen.push(`snapshot ${when}: ${verdict(await view.getMany(probe), await snapshot.keyspace(OTHER).get(utf8('o')))}`);
        const seenKeys = (await view.iterate({ prefix: utf8('w') }).all()).length;
        seen.push(`snapshot iterate ${when}: ${seenKeys === 0 ? 'none' : seenKeys === count ? 'all' : `part of it (${seenKeys} keys)`}`);
      } finally {
        await snapshot.close();
      }
    }
    if (ctx.ks.getSync) seen.push(`getSync ${when}: ${syncVerdict()}`);
    const it = ctx.ks.iterate({ prefix: utf8('w') });
    const seenKeys = (await it.all()).length;
    seen.push(`iterate ${when}: ${seenKeys === 0 ? 'none' : seenKeys === count ? 'all' : `part of it (${seenKeys} keys)`}`);
  };
  let settled = false;
  const writing = ctx.engine.write(ops).finally(() => (settled = true));
  const reads = [ctx.ks.getMany(probe), others.get(utf8('o'))] as const;
  await look('at once');
  for (let round = 0; round < 20 && !settled; round++) {
    await (round % 2 === 0 ? Promise.resolve() : new Promise((resolve) => setImmediate(resolve)));
    await look(`after ${round + 1} turns`);
  }
  await writing;
  seen.push(`getMany started with the write: ${verdict(await reads[0], await reads[1])}`);
  await look('after the write resolved');
  expect(seen.filter((line) => !/: (all|none|none, then all)$/.test(line)), 'reads that saw part of the batch').toEqual([]);
  expect(seen.at(-1)).toMatch(/: all$/);
}

export const atomicWriteCases: Case[] = [
  ...atomicityCases,
  {
    group,
    name: 'a key put again after a covering delRange in the same batch keeps its last value',
    async run(ctx) {
      await ctx.ks.put(utf8('t0'), utf8('before'));
      await ctx.engine.write([
        ctx.put(utf8('t1'), utf8('first')),
        ctx.delRange({ prefix: utf8('t') }),
        ctx.put(utf8('t1'), utf8('second')), // put, covering delRange, put: the last put stays
        ctx.del(utf8('u1')),
        ctx.delRange({ gte: utf8('u'), lt: utf8('v') }),
        ctx.put(utf8('u1'), utf8('again')), // del, covering delRange, put: present
        ctx.put(utf8('w1'), utf8('first')),
        ctx.put(utf8('w1'), utf8('second')),
        ctx.delRange({ prefix: utf8('w') }), // put, put, covering delRange: gone
      ]);
      expect(hexEntries(await readAll(ctx.ks))).toEqual([
        [hex(utf8('t1')), hex(utf8('second'))],
        [hex(utf8('u1')), hex(utf8('again'))],
      ]);
    },
  },
  {
    group,
    name: 'ops apply in order within a batch: later ops see earlier ones',
    async run(ctx) {
      await ctx.engine.write([
        ctx.put(utf8('k1'), utf8('first')),
        ctx.put(utf8('k1'), utf8('second')), // overwrite wins
        ctx.put(utf8('k2'), utf8('x')),
        ctx.del(utf8('k2')), // put then del: gone
        ctx.del(utf8('k3')),
        ctx.put(utf8('k3'), utf8('back')), // del then put: present
        ctx.put(utf8('r1'), utf8('x')),
        ctx.put(utf8('r2'), utf8('x')),
        ctx.delRange({ prefix: utf8('r') }), // put then delRange: gone
        ctx.delRange({ prefix: utf8('s') }),
        ctx.put(utf8('s1'), utf8('after')), // delRange then put: present
      ]);
      expect(hexEntries(await readAll(ctx.ks))).toEqual([
        [hex(utf8('k1')), hex(utf8('second'))],
        [hex(utf8('k3')), hex(utf8('back'))],
        [hex(utf8('s1')), hex(utf8('after'))],
      ]);
    },
  },
  {
    group,
    name: 'a batch across keyspaces is applied to all of them',
    async run(ctx) {
      await ctx.engine.write([
        ctx.put(utf8('k'), utf8('main')),
        { type: 'put', keyspace: OTHER, key: utf8('k'), value: utf8('other') },
        { type: 'put', keyspace: 'conformance-third', key: utf8('k'), value: utf8('third') },
        { type: 'del', keyspace: OTHER, key: utf8('missing') },
      ]);
      expect(hex(await ctx.ks.get(utf8('k')))).toBe(hex(utf8('main')));
      expect(hex(await ctx.engine.keyspace(OTHER).get(utf8('k')))).toBe(hex(utf8('other')));
      expect(hex(await ctx.engine.keyspace('conformance-third').get(utf8('k')))).toBe(hex(utf8('third')));
    },
  },
  {
    group,
    name: 'a rejected batch across keyspaces leaves every keyspace unchanged',
    async run(ctx) {
      await seed(ctx);
      const names = [ctx.pass.keyspace, OTHER, 'conformance-third'];
      const before = await captureState(ctx.engine, names);
      const ops = [
        { type: 'put', keyspace: 'conformance-third', key: utf8('t'), value: utf8('t') },
        { type: 'delRange', keyspace: OTHER, range: {} },
        ctx.del(utf8('a')),
        { type: 'put', keyspace: OTHER, key: utf8('bad'), value: 'not bytes' },
      ] as WriteOp[];
      await expectTidekvError(() => ctx.engine.write(ops), 'INVALID_VALUE');
      await expectStateUnchanged(ctx.engine, before, 'a rejected cross-keyspace batch');
    },
  },
  {
    group,
    name: 'a batch of 1000 puts is written completely',
    async run(ctx) {
      const ops = Array.from({ length: 1000 }, (_, i) => ctx.put(utf8(`key-${String(i).padStart(4, '0')}`), utf8(`value-${i}`)));
      await ctx.engine.write(ops);
      const entries = await readAll(ctx.ks);
      expect(entries.length).toBe(1000);
      expect(hexKeys(entries)).toEqual(ops.map((op) => hex((op as { key: Uint8Array }).key)));
      expect(hex(await ctx.ks.get(utf8('key-0999')))).toBe(hex(utf8('value-999')));
    },
  },
  {
    group,
    name: 'a batch of 1000 mixed puts and deletes with one invalid op at the end writes nothing',
    async run(ctx) {
      await seed(ctx);
      const before = await captureState(ctx.engine, [ctx.pass.keyspace, OTHER]);
      const ops: unknown[] = Array.from({ length: 999 }, (_, i) => (i % 3 === 0 ? ctx.del(utf8('a')) : ctx.put(utf8(`n${i}`), utf8('x'))));
      ops.push(ctx.put(utf8('bad'), 'value' as never));
      await expectTidekvError(() => ctx.engine.write(ops as WriteOp[]), 'INVALID_VALUE');
      await expectStateUnchanged(ctx.engine, before, 'a rejected 1000-op batch');
    },
  },
  {
    group,
    name: 'a batch may put the same key many times: the last put wins',
    async run(ctx) {
      await ctx.engine.write(Array.from({ length: 50 }, (_, i) => ctx.put(utf8('same'), bytes(i))));
      expect(hex(await ctx.ks.get(utf8('same')))).toBe(hex(bytes(49)));
      expect((await readAll(ctx.ks)).length).toBe(1);
    },
  },
  {
    group,
    name: 'reads and snapshots taken while a write() is in flight see all of the batch or none of it',
    timeout: 60_000,
    run: (ctx) => inFlightWrite(ctx, 300),
  },
  {
    group,
    name: 'reads and snapshots taken while a write() of 4100 puts is in flight see all of the batch or none of it',
    timeout: 60_000,
    run: (ctx) => inFlightWrite(ctx, 4100),
  },
];
