/**
 * kill -9 crash tests for persistent engines: a child process writes batches through the
 * built adapter and is killed with SIGKILL; everything it had flushed must be there after
 * reopening, with the right values, and each batch must be all or nothing.
 */
import { expect } from 'vitest';
import type { Case, CaseContext, ResolvedOptions } from '../case.js';
import { hex } from '../support/bytes.js';
import { counterKey, crashKey, crashValue, readCounter } from '../support/crash-data.js';
import { childTarget, runAndKill, type CrashChildConfig } from '../support/crash-process.js';
import { caseSeed, prng } from '../support/seed.js';
import type { Capabilities } from '@tidekv/core';
import { PASSES, type Pass } from '../options.js';
import { firstPassOnly } from '../support/passes.js';

const group = 'crash (kill -9)';
const BATCH_SIZE = 20;
const ROUNDS = 3;

/**
 * The crash cases run in the first pass only, and their child writes every pass's keyspace
 * in turn (each batch spans them all), so one kill interrupts writes to the default keyspace
 * and a named one at once: the second pass would spawn as many children again to kill the
 * same writes in one keyspace.
 */
const KEYSPACES = PASSES.map((p) => p.keyspace);

function crashSkip(caps: Capabilities, options: ResolvedOptions, pass?: Pass): string | false {
  if (!options.crash) return 'no crash option was given to describeEngine';
  if (!caps.persistent) return 'capabilities.persistent is false';
  return firstPassOnly(pass, `its child writes ${KEYSPACES.map((k) => `'${k}'`).join(' and ')} in turn`);
}

function childConfig(ctx: CaseContext, round: number, mode: CrashChildConfig['mode']): CrashChildConfig {
  return { ...childTarget(ctx), keyspaces: crashKeyspaces(ctx), round, mode, batchSize: BATCH_SIZE, flushEvery: 3, entries: 500 };
}

/** The pass's keyspace first, then the others: where the child writes. */
function crashKeyspaces(ctx: CaseContext): string[] {
  return [ctx.pass.keyspace, ...KEYSPACES.filter((k) => k !== ctx.pass.keyspace)];
}

/** The values of `keys[n]` for n in 0..count-1, each read (by getMany) from the keyspace write n went to. */
async function readSpread(ctx: CaseContext, count: number, key: (n: number) => Uint8Array): Promise<(Uint8Array | undefined)[]> {
  const names = crashKeyspaces(ctx);
  const values: (Uint8Array | undefined)[] = new Array(count);
  for (const [k, name] of names.entries()) {
    const mine = Array.from({ length: count }, (_, n) => n).filter((n) => n % names.length === k);
    const read = await ctx.engine.keyspace(name).getMany(mine.map(key));
    mine.forEach((n, i) => (values[n] = read[i]));
  }
  return values;
}

/** The values of the entries of one batch, each read from the keyspace it went to. */
function readBatch(ctx: CaseContext, round: number, batch: number): Promise<(Uint8Array | undefined)[]> {
  return readSpread(ctx, BATCH_SIZE, (j) => crashKey(round, batch, j));
}

/** Checks one round after the kill: returns how many batches survived. */
async function verifyRound(ctx: CaseContext, round: number, flushed: number): Promise<number> {
  const ks = ctx.ks;
  const counter = await ks.get(counterKey(round));
  expect(counter, `round ${round}: the counter key must survive (batch ${flushed} was flushed)`).toBeDefined();
  const last = readCounter(counter!);
  expect(last, `round ${round}: the counter must be at least the last flushed batch`).toBeGreaterThanOrEqual(flushed);
  for (let batch = 0; batch <= last + 1; batch++) {
    const values = await readBatch(ctx, round, batch);
    if (batch <= last) {
      // every batch up to the surviving counter, and so every flushed batch, is complete
      values.forEach((value, j) =>
        expect(hex(value), `round ${round} batch ${batch} entry ${j}`).toBe(hex(crashValue(round, batch, j))),
      );
    } else {
      const present = values.filter((v) => v !== undefined).length;
      expect(present, `round ${round} batch ${batch}: written after the surviving counter, so absent`).toBe(0);
    }
  }
  return last + 1;
}

const SINGLE_OP_ENTRIES = 3000;
const SINGLE_OP_CRASHES: { mode: CrashChildConfig['mode']; name: string; deletes: boolean }[] = [
  { mode: 'sync-put', name: 'killed during single put(..., { sync: true }) calls: every acknowledged put survives', deletes: false },
  { mode: 'sync-del', name: 'killed during single del(..., { sync: true }) calls: every acknowledged delete stays deleted', deletes: true },
  { mode: 'sync-clear', name: 'killed during clear(range, { sync: true }) calls: every acknowledged clear stays cleared', deletes: true },
  {
    mode: 'sync-delete-batches',
    name: 'killed during write() batches of one del or delRange with sync: true: every acknowledged delete stays deleted',
    deletes: true,
  },
];

export const crashCases: Case[] = [
  {
    group,
    name: `killed while writing batches: every flushed batch survives, batches are all-or-nothing (${ROUNDS} rounds)`,
    skip: crashSkip,
    timeout: 180_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} crash (${ctx.pass.keyspace})`);
      const random = prng(seed);
      const survived: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await ctx.engine.close(); // the child needs the location to itself
        const delay = Math.floor(random() * 150);
        const outcome = await runAndKill(childConfig(ctx, round, 'loop'), delay);
        expect(outcome.flushed).toBeGreaterThanOrEqual(0);
        await ctx.reopen();
        survived[round] = await verifyRound(ctx, round, outcome.flushed);
        // earlier rounds are untouched by later crashes
        for (let earlier = 0; earlier < round; earlier++) {
          const counter = await ctx.ks.get(counterKey(earlier));
          expect(readCounter(counter!)).toBe(survived[earlier]! - 1);
        }
      }
      console.log(`[${ctx.options.name} crash] batches surviving per round: ${survived.join(', ')}`);
    },
  },
  {
    group,
    name: 'killed while writing with sync: true: every acknowledged batch survives',
    skip: crashSkip,
    timeout: 120_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} sync crash (${ctx.pass.keyspace})`);
      const delay = Math.floor(prng(seed)() * 150);
      await ctx.engine.close();
      const outcome = await runAndKill(childConfig(ctx, 5, 'sync-writes'), delay);
      await ctx.reopen();
      const survived = await verifyRound(ctx, 5, outcome.flushed);
      console.log(`[${ctx.options.name} sync crash] ${outcome.flushed + 1} batches acknowledged, ${survived} survived`);
    },
  },
  {
    group,
    name: 'data written, flushed, then the process is killed: all of it is present',
    skip: crashSkip,
    timeout: 120_000,
    async run(ctx) {
      await ctx.engine.close();
      const config = childConfig(ctx, 7, 'flush-once');
      const outcome = await runAndKill(config, 0);
      await ctx.reopen();
      const batches = Math.ceil(config.entries / BATCH_SIZE);
      expect(outcome.flushed).toBe(batches - 1);
      for (let batch = 0; batch < batches; batch++) {
        const expected = Array.from({ length: BATCH_SIZE }, (_, j) => hex(crashValue(7, batch, j)));
        expect((await readBatch(ctx, 7, batch)).map(hex), `batch ${batch}`).toEqual(expected);
      }
      expect(readCounter((await ctx.ks.get(counterKey(7)))!)).toBe(batches - 1);
    },
  },
  {
    group,
    name: 'killed while flushes overlap: every batch a resolved flush covered survives',
    skip: crashSkip,
    timeout: 120_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} overlapping flush crash (${ctx.pass.keyspace})`);
      const delay = Math.floor(prng(seed)() * 150);
      await ctx.engine.close();
      const outcome = await runAndKill(childConfig(ctx, 9, 'overlap-flush'), delay);
      await ctx.reopen();
      const survived = await verifyRound(ctx, 9, outcome.flushed);
      console.log(`[${ctx.options.name} overlapping flush crash] ${outcome.flushed + 1} batches flushed, ${survived} survived`);
    },
  },
  ...SINGLE_OP_CRASHES.map(
    ({ mode, name, deletes }, i): Case => ({
      group,
      name,
      skip: crashSkip,
      timeout: 120_000,
      async run(ctx) {
        const round = 10 + i;
        const seed = caseSeed(`${ctx.options.name} ${mode} crash (${ctx.pass.keyspace})`);
        const delay = Math.floor(prng(seed)() * 150);
        await ctx.engine.close();
        const config = { ...childConfig(ctx, round, mode), entries: SINGLE_OP_ENTRIES };
        const outcome = await runAndKill(config, delay);
        await ctx.reopen();
        const names = crashKeyspaces(ctx);
        const values = await readSpread(ctx, SINGLE_OP_ENTRIES, (n) => crashKey(round, n, 0));
        for (let n = 0; n < SINGLE_OP_ENTRIES; n++) {
          // the operation after the last acknowledged one may or may not have landed
          if (n === outcome.flushed + 1) continue;
          const acknowledged = n <= outcome.flushed;
          const expected = acknowledged === deletes ? undefined : hex(crashValue(round, n, 0));
          expect(hex(values[n]), `key ${n} in '${names[n % names.length]}' (${acknowledged ? 'acknowledged' : 'never reached'}; last acknowledged ${outcome.flushed})`).toBe(expected);
        }
        console.log(`[${ctx.options.name} ${mode} crash] ${outcome.flushed + 1} single operations acknowledged`);
      },
    }),
  ),
];
