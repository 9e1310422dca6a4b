/**
 * An iterator left open while the store changes, read in chunks and judged chunk by chunk.
 * A snapshot's iterator must return exactly the snapshot's state. A live iterator may or may
 * not see writes made after it opened (the contract leaves that to the engine), so it is held
 * to what every engine promises: keys strictly ordered and within the range, each value one
 * its key held at some moment since the iterator opened, no more than `limit` entries, and,
 * read to the end without a limit, every key in range that nothing touched since.
 */
import { expect } from 'vitest';
import type { Entry, EntryIterator, Range } from '@tidekv/core';
import { byteOrder, hex } from './bytes.js';
import { expectEntries, describeRange } from './expect-view.js';
import type { FrozenState, HistoryModel } from './history-model.js';
import { matchesRange } from './oracle.js';

type Source = { frozen: FrozenState } | { live: HistoryModel };

export class TrackedIterator {
  readonly #seen: Entry[] = [];
  readonly #expected: Entry[];
  readonly #openedAt: number;
  readonly #atOpen: FrozenState | undefined;
  #done = false;

  constructor(
    readonly iterator: EntryIterator,
    readonly range: Range,
    readonly source: Source,
    readonly what: string,
  ) {
    if ('frozen' in source) {
      this.#expected = source.frozen.range(range);
      this.#openedAt = 0;
    } else {
      this.#expected = [];
      this.#openedAt = source.live.version;
      this.#atOpen = source.live.frozen();
    }
  }

  get done(): boolean {
    return this.#done;
  }

  /** Reads one chunk of up to `size` entries and checks it. */
  async advance(size: number): Promise<void> {
    const chunk = await this.iterator.nextv(size);
    const what = `${this.what} ${describeRange(this.range)}, nextv(${size}) after ${this.#seen.length} entries`;
    if (chunk.length > size) expect(chunk.length, `${what}: chunk size`).toBeLessThanOrEqual(size);
    if ('frozen' in this.source) {
      expectEntries(chunk, this.#expected.slice(this.#seen.length, this.#seen.length + chunk.length), what);
    } else {
      this.#checkLive(chunk, this.source.live, what);
    }
    this.#seen.push(...chunk);
    if (chunk.length === 0) {
      this.#done = true;
      if ('frozen' in this.source) expect(this.#seen.length, `${what}: ended early`).toBe(this.#expected.length);
      else this.#checkUntouchedSeen(this.source.live, what);
    }
  }

  async drain(size: number): Promise<void> {
    while (!this.#done) await this.advance(size);
    await this.iterator.close();
  }

  #checkLive(chunk: readonly Entry[], model: HistoryModel, what: string): void {
    const limit = this.range.limit ?? Infinity;
    if (this.#seen.length + chunk.length > limit) expect(this.#seen.length + chunk.length, `${what}: more entries than the limit`).toBeLessThanOrEqual(limit);
    const bounds = { ...this.range, reverse: undefined, limit: undefined };
    let previous = this.#seen[this.#seen.length - 1]?.[0];
    for (const [key, value] of chunk) {
      if (previous !== undefined) {
        const order = byteOrder(previous, key);
        if (this.range.reverse ? order <= 0 : order >= 0) expect(hex(key), `${what}: out of order or repeated after ${hex(previous)}`).toBe('a later key');
      }
      if (!matchesRange(key, bounds)) expect(hex(key), `${what}: key outside the range`).toBe('a key inside the range');
      if (!model.heldSince(key, this.#openedAt, value)) {
        expect(`${value.length} bytes ${hex(value.subarray(0, 12))}`, `${what}: key ${hex(key)} never held this value while the iterator was open`).toBe(
          `${model.get(key)?.length} bytes ${hex(model.get(key)?.subarray(0, 12))} or an earlier value`,
        );
      }
      previous = key;
    }
  }

  #checkUntouchedSeen(model: HistoryModel, what: string): void {
    if ((this.range.limit ?? Infinity) !== Infinity) return; // inserted keys may take the places of untouched ones
    const seen = new Set(this.#seen.map(([key]) => hex(key)));
    const missing = this.#atOpen!.range({ ...this.range, limit: undefined })
      .filter(([key]) => !model.changedSince(key, this.#openedAt) && !seen.has(hex(key)))
      .map(([key]) => hex(key));
    expect(missing.slice(0, 5), `${what}: keys present since the iterator opened and never touched must be returned (${missing.length} missing)`).toEqual([]);
  }
}
