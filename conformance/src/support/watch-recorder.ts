/**
 * Helpers for the watch cases: a recorder that reads a watch stream with timeouts and keeps
 * every response, and the store's true history rebuilt from plain range reads (so it does
 * not trust watch), against which the six validators check every recorded stream.
 */
import { expect } from 'vitest';
import type { KV, KeyValue, WatchEvent, WatchKV, WatchLeaseKV, WatchOptions, WatchResponse, WatchStream } from '@tidekv/core';
import { validateWatch, type WatchHistoryTruth } from '../mvcc/watch-validators.js';

/** The store as the watch and lease cases use it. */
export function watchable(kv: KV): WatchLeaseKV {
  return kv as WatchLeaseKV;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class WatchRecorder {
  readonly responses: WatchResponse[] = [];
  readonly stream: WatchStream;
  /** The revision the watch starts at: startRevision, or current + 1 for a watch from 0. */
  readonly startRevision: number;
  ended = false;
  #pending: Promise<IteratorResult<WatchResponse>> | undefined;

  constructor(
    kv: WatchKV & { readonly revision: number },
    readonly key: string | Uint8Array,
    readonly options: WatchOptions = {},
  ) {
    this.startRevision = options.startRevision || kv.revision + 1;
    this.stream = kv.watch(key, options);
  }

  get events(): WatchEvent[] {
    return this.responses.flatMap((r) => r.events);
  }

  /** Reads one response; undefined when none comes within `timeoutMs` (the read stays pending for next time). */
  async next(timeoutMs = 2000): Promise<WatchResponse | undefined> {
    if (this.ended) return undefined;
    this.#pending ??= this.stream.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([this.#pending, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return undefined;
    this.#pending = undefined;
    if (result.done) {
      this.ended = true;
      return undefined;
    }
    this.responses.push(result.value);
    return result.value;
  }

  /** Reads until `count` events arrived in all; fails the case if they do not within the timeout. */
  async untilEvents(count: number, timeoutMs = 5000): Promise<WatchEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      const left = deadline - Date.now();
      const response = left > 0 ? await this.next(left) : undefined;
      if (!response) throw new Error(`watch on ${String(this.key)}: ${this.events.length} of ${count} events arrived${this.ended ? ' before the stream ended' : ' in time'}`);
    }
    return this.events;
  }

  /** Asserts nothing more arrives within `ms`. */
  async expectQuiet(ms = 100): Promise<void> {
    const response = await this.next(ms);
    expect(response, `watch on ${String(this.key)} should be quiet`).toBeUndefined();
  }

  /** Reads until the stream ends (done). */
  async untilEnd(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      const response = left > 0 ? await this.next(left) : undefined;
      if (!response && !this.ended) throw new Error(`watch on ${String(this.key)} did not end`);
    }
  }

  close(): void {
    this.stream.cancel();
  }
}

/**
 * The store's changes from `from` (>= 2) to its current revision, rebuilt from range reads:
 * a key whose modRevision is r was put at r; a key live at r - 1 and gone at r was deleted at
 * r. Each revision's changes come in key order. Read before any compaction above `from - 1`.
 */
export async function historyByRanges(kv: KV, from = 2): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const all = (revision: number) => kv.range('\0', { end: '\0', revision }).then((r) => r.kvs);
  let previous = new Map<string, KeyValue>((await all(Math.max(1, from - 1))).map((kv) => [hex(kv.key), kv]));
  for (let revision = Math.max(2, from); revision <= kv.revision; revision++) {
    const now = new Map<string, KeyValue>((await all(revision)).map((kv) => [hex(kv.key), kv]));
    const changes: [string, WatchEvent][] = [];
    for (const [k, value] of now) if (value.modRevision === revision) changes.push([k, { type: 'put', kv: value }]);
    for (const [k, value] of previous) {
      if (!now.has(k)) changes.push([k, { type: 'delete', kv: { key: value.key, value: new Uint8Array(0), createRevision: 0, modRevision: revision, version: 0, lease: 0 } }]);
    }
    changes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [, event] of changes) events.push(event);
    previous = now;
  }
  return events;
}

/** Asserts every recorded stream keeps etcd's six watch guarantees against `truth`. */
export function expectValidWatches(truth: WatchEvent[], compactRevision: number, ...recorders: WatchRecorder[]): void {
  const history: WatchHistoryTruth = { events: truth, compactRevision, subRevisionOrder: false };
  for (const recorder of recorders) {
    const violations = validateWatch({ key: recorder.key, options: recorder.options, startRevision: recorder.startRevision, responses: recorder.responses }, history);
    expect(violations, `watch on ${String(recorder.key)} from ${recorder.startRevision} breaks etcd's watch guarantees`).toEqual([]);
  }
}
