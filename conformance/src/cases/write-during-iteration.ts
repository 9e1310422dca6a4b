/**
 * Writes while an iterator is open. The contract does not say whether an iterator sees
 * them, only that nothing breaks: keys stay strictly ordered, none repeats, and every key
 * the writes did not touch is returned.
 */
import { expect } from 'vitest';
import type { Entry } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';
import { byteOrder, bytes, hex } from '../support/bytes.js';

const group = 'writes during iteration';
const key = (i: number) => bytes(0x10, i >> 8, i & 0xff);

async function fill(ctx: CaseContext, count: number): Promise<void> {
  await ctx.engine.write(Array.from({ length: count }, (_, i) => ctx.put(key(i * 2), bytes(1))));
}

/**
 * Reads with next(), calling `mutate` after every second entry: a write falls within every
 * chunk an engine reads ahead (and beside every chunk edge), at half the commits of a write
 * per entry, each of which syncs in engines that commit every write.
 */
async function iterateWhile(ctx: CaseContext, reverse: boolean, mutate: (entry: Entry, index: number) => Promise<void>): Promise<Entry[]> {
  const seen: Entry[] = [];
  const it = ctx.ks.iterate({ reverse });
  try {
    for (let entry = await it.next(); entry; entry = await it.next()) {
      seen.push(entry);
      if (seen.length % 2 === 1) await mutate(entry, seen.length - 1);
    }
  } finally {
    await it.close();
  }
  return seen;
}

function expectStrictOrder(entries: Entry[], reverse: boolean): void {
  for (let i = 1; i < entries.length; i++) {
    const c = byteOrder(entries[i - 1]![0], entries[i]![0]);
    expect(reverse ? c > 0 : c < 0, `entries ${i - 1} and ${i} (${hex(entries[i - 1]![0])}, ${hex(entries[i]![0])}) out of order or repeated`).toBe(true);
  }
}

function expectIncludes(entries: Entry[], keys: Uint8Array[]): void {
  const seen = new Set(entries.map(([k]) => hex(k)));
  const missing = keys.filter((k) => !seen.has(hex(k)!)).map(hex);
  expect(missing, 'keys the writes never touched must all be returned').toEqual([]);
}

const COUNT = 300; // more than one chunk for typical chunk sizes

export const writeDuringIterationCases: Case[] = [false, true].flatMap((reverse): Case[] => {
  const direction = reverse ? 'reverse' : 'forward';
  return [
    {
      group,
      name: `${direction}: inserting keys between existing ones`,
      async run(ctx) {
        await fill(ctx, COUNT);
        const seen = await iterateWhile(ctx, reverse, async (_entry, i) => {
          await ctx.ks.put(key(((i * 37) % COUNT) * 2 + 1), bytes(2));
        });
        expectStrictOrder(seen, reverse);
        expectIncludes(seen, Array.from({ length: COUNT }, (_, i) => key(i * 2)));
      },
    },
    {
      group,
      name: `${direction}: deleting keys, including ones not yet reached`,
      async run(ctx) {
        await fill(ctx, COUNT);
        const deleted = new Set<number>();
        const seen = await iterateWhile(ctx, reverse, async (_entry, i) => {
          const victim = (i * 53) % COUNT;
          deleted.add(victim);
          await ctx.ks.del(key(victim * 2));
        });
        expectStrictOrder(seen, reverse);
        expectIncludes(seen, Array.from({ length: COUNT }, (_, i) => i).filter((i) => !deleted.has(i)).map((i) => key(i * 2)));
      },
    },
    {
      group,
      name: `${direction}: overwriting keys, each key still seen once`,
      async run(ctx) {
        await fill(ctx, COUNT);
        const seen = await iterateWhile(ctx, reverse, async (entry) => {
          await ctx.engine.write([ctx.put(entry[0], bytes(3)), ctx.put(key((COUNT - 1 - (entry[0][2]! % 7)) * 2), bytes(3))]);
        });
        expectStrictOrder(seen, reverse);
        expect(seen.length).toBe(COUNT);
        for (const [, value] of seen) expect(['01', '03']).toContain(hex(value));
      },
    },
    {
      group,
      name: `${direction}: clearing the keyspace mid-iteration does not break the iterator`,
      async run(ctx) {
        await fill(ctx, COUNT);
        const seen = await iterateWhile(ctx, reverse, async (_entry, i) => {
          if (i === 10) {
            await ctx.ks.clear();
            await ctx.ks.put(key(1), bytes(4));
          }
        });
        expectStrictOrder(seen, reverse);
        expect(await ctx.ks.iterate().all()).toHaveLength(1);
      },
    },
  ];
});
