import { expect } from 'vitest';
import type { Entry, StorageEngine } from '@tidekv/core';
import { hexEntries } from './bytes.js';

/** Every entry of each named keyspace, as hex, for "nothing changed" assertions. */
export async function captureState(engine: StorageEngine, keyspaces: readonly string[]): Promise<Record<string, [string, string][]>> {
  const state: Record<string, [string, string][]> = {};
  for (const name of keyspaces) state[name] = hexEntries((await engine.keyspace(name).iterate().all()) as Entry[]);
  return state;
}

export async function expectStateUnchanged(
  engine: StorageEngine,
  before: Record<string, [string, string][]>,
  what: string,
): Promise<void> {
  expect(await captureState(engine, Object.keys(before)), `${what} must write nothing`).toEqual(before);
}
