/**
 * Checks one read view (a live keyspace or a snapshot's keyspace) against the state it must
 * hold, through every read path it offers: get, getMany (with a key asked for twice in a
 * row), getSync, iterate() whole and in nextv chunks, and iterateSync, over the whole
 * keyspace and over one extra range with its reverse and limit. Entries are compared byte by
 * byte and printed (as hex) only when they differ, so thousands of entries stay cheap.
 */
import { expect } from 'vitest';
import type { Entry, Range, ReadableKeyspace } from '@tidekv/core';
import { hex, sameBytes } from './bytes.js';

/** What a view must read: a value per key and the entries of any range. */
export interface ExpectedState {
  get(key: Uint8Array): Uint8Array | undefined;
  range(range?: Range): Entry[];
}

const brief = (value: Uint8Array | undefined) => (value === undefined ? undefined : `${value.length} bytes ${hex(value.subarray(0, 12))}`);

/** `got` holds exactly `expected`, in order; the first difference is named. */
export function expectEntries(got: readonly Entry[], expected: readonly Entry[], what: string): void {
  const n = Math.min(got.length, expected.length);
  for (let i = 0; i < n; i++) {
    const [k, v] = got[i]!;
    const [ek, ev] = expected[i]!;
    if (!sameBytes(k, ek) || !sameBytes(v, ev)) expect([hex(k), brief(v)], `${what}: entry ${i} of ${expected.length}`).toEqual([hex(ek), brief(ev)]);
  }
  if (got.length !== expected.length) {
    const extra = got.length > n ? `first extra key ${hex(got[n]![0])}` : `first missing key ${hex(expected[n]![0])}`;
    expect(got.length, `${what}: entry count (${extra})`).toBe(expected.length);
  }
}

/** `got[i]` is the value of `keys[i]`; the first difference is named. */
export function expectValues(got: readonly (Uint8Array | undefined)[], keys: readonly Uint8Array[], state: ExpectedState, what: string): void {
  if (got.length !== keys.length) expect(got.length, `${what}: answer count`).toBe(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const want = state.get(keys[i]!);
    if (!sameBytes(got[i], want)) expect(brief(got[i]), `${what}: key ${hex(keys[i])} (position ${i})`).toBe(brief(want));
  }
}

async function drainInChunks(view: ReadableKeyspace, range: Range, size: number): Promise<Entry[]> {
  const it = view.iterate(range);
  const out: Entry[] = [];
  try {
    for (let chunk = await it.nextv(size); chunk.length > 0; chunk = await it.nextv(size)) {
      if (chunk.length > size) expect(chunk.length, `nextv(${size}) returned more than asked for`).toBeLessThanOrEqual(size);
      out.push(...chunk);
    }
  } finally {
    await it.close();
  }
  return out;
}

export interface ViewCheck {
  /** Keys to read by point reads: present ones, missing ones, in any order. */
  keys: readonly Uint8Array[];
  /** One more range (with its reverse and limit) read by iterate in chunks and by iterateSync. */
  range: Range;
  /** nextv size for that range. */
  chunk: number;
  /** How many of `keys` get reads one by one (each is a separate await; the rest go through getMany and getSync). */
  getCount: number;
}

/** Every read path of `view` agrees with `state`. */
export async function expectView(view: ReadableKeyspace, state: ExpectedState, check: ViewCheck, what: string): Promise<void> {
  const { keys, range, chunk, getCount } = check;
  expectValues(await view.getMany(keys), keys, state, `${what}: getMany`);
  // a key asked for twice in a row, and the first and last keys again at the end
  if (keys.length > 0) {
    const twice = [keys[0]!, keys[0]!, ...keys.slice(1, 4), keys[keys.length - 1]!, keys[keys.length - 1]!];
    expectValues(await view.getMany(twice), twice, state, `${what}: getMany with repeated keys`);
  }
  const step = Math.max(1, Math.floor(keys.length / Math.max(1, getCount)));
  for (let i = 0; i < keys.length; i += step) expectValues([await view.get(keys[i]!)], [keys[i]!], state, `${what}: get`);
  if (view.getSync) expectValues(keys.map((key) => view.getSync!(key)), keys, state, `${what}: getSync`);
  expectEntries(await view.iterate().all(), state.range(), `${what}: iterate().all()`);
  expectEntries(await drainInChunks(view, range, chunk), state.range(range), `${what}: iterate(${describeRange(range)}) by nextv(${chunk})`);
  if (view.iterateSync) {
    expectEntries([...view.iterateSync({ reverse: true })], state.range({ reverse: true }), `${what}: iterateSync reversed`);
    expectEntries([...view.iterateSync(range)], state.range(range), `${what}: iterateSync(${describeRange(range)})`);
  }
}

export function describeRange(range: Range): string {
  const parts = Object.entries(range).map(([name, value]) => `${name}: ${value instanceof Uint8Array ? hex(value) : String(value)}`);
  return `{ ${parts.join(', ')} }`;
}
