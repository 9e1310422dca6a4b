/**
 * What the structural-change cases share: numbered keys of varied length, values of any size
 * that say which key and which write they came from, writers that change the engine and the
 * history model together through every write path, and the open snapshots with the state
 * each must keep reading.
 */
import type { Entry, Range, Snapshot } from '@tidekv/core';
import type { CaseContext } from '../case.js';
import { patterned } from './bytes.js';
import { expectView, type ViewCheck } from './expect-view.js';
import type { FrozenState, HistoryModel } from './history-model.js';

const LONG_TAIL = new Uint8Array(10).fill(0x2d);

/**
 * Key i (0 <= i < 65536): 't' and i as two bytes, so byte order is numeric order; every
 * seventh key also ends in a 0x00 byte and every eleventh in ten more bytes, so separators
 * and entries differ in length and some keys extend the key a shorter sibling would be.
 */
export function structuralKey(i: number): Uint8Array {
  const tail = [...(i % 7 === 3 ? [0x00] : []), ...(i % 11 === 5 ? LONG_TAIL : [])];
  return Uint8Array.of(0x74, i >> 8, i & 0xff, ...tail);
}

/** A key sorting just after key i and before key i + 1, never written. */
export function betweenKey(i: number): Uint8Array {
  return Uint8Array.of(0x74, i >> 8, i & 0xff, 0x01);
}

/** A value of `size` bytes whose content depends on the key and the write (`stamp`), so a value read from the wrong key or write is noticed. */
export function structuralValue(i: number, stamp: number, size: number): Uint8Array {
  return patterned(size, Math.imul(i + 1, 65_537) ^ Math.imul(stamp + 1, 2_654_435_761));
}

/** Puts `entries` through one write() batch or one put() each, in the engine and the model. */
export async function putEach(ctx: CaseContext, model: HistoryModel, entries: readonly Entry[], via: 'write' | 'put'): Promise<void> {
  if (via === 'write') await ctx.engine.write(entries.map(([key, value]) => ctx.put(key, value)));
  else for (const [key, value] of entries) await ctx.ks.put(key, value);
  for (const [key, value] of entries) model.put(key, value);
}

/**
 * Deletes `keys` one key at a time: the first `singly` by one call each (del and a clear of
 * exactly one key taking turns), the rest in write() batches of 100 single dels. A tree
 * rebalances (borrows, merges) as each key goes, whichever path deleted it; a range delete
 * of many keys may take another path. Calls are few because each one is a commit (and a
 * sync) in engines that commit every write.
 */
export async function deleteEach(ctx: CaseContext, model: HistoryModel, keys: readonly Uint8Array[], singly = 12): Promise<void> {
  for (const [n, key] of keys.slice(0, singly).entries()) {
    await (n % 2 === 0 ? ctx.ks.del(key) : ctx.ks.clear({ gte: key, lte: key }));
    model.del(key);
  }
  for (let from = singly; from < keys.length; from += 100) {
    const run = keys.slice(from, from + 100);
    await ctx.engine.write(run.map((key) => ctx.del(key)));
    for (const key of run) model.del(key);
  }
}

/** Deletes a range through clear or write() delRange, in the engine and the model. */
export async function deleteRange(ctx: CaseContext, model: HistoryModel, range: Range, via: 'clear' | 'delRange'): Promise<void> {
  if (via === 'clear') await ctx.ks.clear(range);
  else await ctx.engine.write([ctx.delRange(range)]);
  model.deleteRange(range);
}

/** A snapshot held open across changes, with the state it was taken at. */
export interface HeldSnapshot {
  snapshot: Snapshot;
  state: FrozenState;
  label: string;
}

/** Takes a snapshot (when the engine has them) and records the model's state beside it. */
export function hold(ctx: CaseContext, model: HistoryModel, label: string): HeldSnapshot | undefined {
  return ctx.caps.snapshots ? { snapshot: ctx.engine.snapshot!(), state: model.frozen(), label } : undefined;
}

/** The live keyspace matches the model, and every held snapshot its own state, on every read path. */
export async function expectAllViews(
  ctx: CaseContext,
  model: HistoryModel,
  held: readonly (HeldSnapshot | undefined)[],
  check: ViewCheck,
  when: string,
): Promise<void> {
  await expectView(ctx.ks, model, check, `live, ${when}`);
  for (const h of held) if (h !== undefined) await expectView(h.snapshot.keyspace(ctx.pass.keyspace), h.state, check, `${h.label}, ${when}`);
}
