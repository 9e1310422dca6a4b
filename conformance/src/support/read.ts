import type { Entry, Range, ReadableKeyspace } from '@tidekv/core';

/** Every entry `range` selects, through the async iterator. */
export function readAll(ks: ReadableKeyspace, range?: Range): Promise<Entry[]> {
  return ks.iterate(range).all();
}

/** Puts `entries` one at a time. */
export async function putAll(ks: { put(k: Uint8Array, v: Uint8Array): Promise<void> }, entries: readonly Entry[]): Promise<void> {
  for (const [key, value] of entries) await ks.put(key, value);
}
