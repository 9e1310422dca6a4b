/**
 * The tiny reference model for the model-based test: one Map per keyspace from hex key to
 * entry. Reads sort on demand through the oracle, so there is nothing clever to get wrong.
 */
import type { Entry, Range } from '@tidekv/core';
import { hex } from './bytes.js';
import { expectedRange, matchesRange } from './oracle.js';

export class KeyspaceModel {
  readonly entries = new Map<string, Entry>();

  put(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(hex(key)!, [key.slice(), value.slice()]);
  }

  del(key: Uint8Array): void {
    this.entries.delete(hex(key)!);
  }

  /** Deletes every key in the range's bounds; reverse and limit do not narrow a delete. */
  deleteRange(range: Range): void {
    const bounds = { ...range, reverse: undefined, limit: undefined };
    for (const [id, [key]] of this.entries) if (matchesRange(key, bounds)) this.entries.delete(id);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(hex(key)!)?.[1];
  }

  range(range: Range = {}): Entry[] {
    return expectedRange([...this.entries.values()], range);
  }

  clone(): KeyspaceModel {
    const copy = new KeyspaceModel();
    for (const [id, entry] of this.entries) copy.entries.set(id, entry);
    return copy;
  }
}
