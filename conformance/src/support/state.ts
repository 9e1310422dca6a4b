import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Entry, StorageEngine } from '@tidekv/core';
import { hex } from './bytes.js';

/** A value as compared: its hex, or past 1 KiB its length and SHA-256 (the hex of a 32 MiB value costs more than the check). */
function valueState(value: Uint8Array): string {
  return value.length > 1024 ? `${value.length} bytes, sha256 ${createHash('sha256').update(value).digest('hex')}` : hex(value)!;
}

/** Every entry of each named keyspace (keys as hex, values as valueState), for "nothing changed" assertions. */
export async function captureState(engine: StorageEngine, keyspaces: readonly string[]): Promise<Record<string, [string, string][]>> {
  const state: Record<string, [string, string][]> = {};
  for (const name of keyspaces) state[name] = ((await engine.keyspace(name).iterate().all()) as Entry[]).map(([k, v]) => [hex(k)!, valueState(v)]);
  return state;
}

export async function expectStateUnchanged(
  engine: StorageEngine,
  before: Record<string, [string, string][]>,
  what: string,
): Promise<void> {
  expect(await captureState(engine, Object.keys(before)), `${what} must write nothing`).toEqual(before);
}
