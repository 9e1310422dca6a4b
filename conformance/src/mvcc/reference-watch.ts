/**
 * Watch for the reference KV, as plainly as it can be done: every commit's changes go to an
 * append-only event log; a watch stream remembers only the next revision it needs, and each
 * read hands out every matching event from there up to the current revision, in one
 * response (whole revisions, trivially). No queues, no catch-up modes, nothing to get wrong.
 * A stream whose next revision is below the compact revision gets the compaction notice and
 * ends. Progress notifications are sent on request, once the stream is caught up (the model
 * sends no periodic ones).
 */
import { TidekvError, type Bytes, type KeyValue, type WatchEvent, type WatchOptions, type WatchResponse, type WatchStream } from '@tidekv/core';
import { byteOrder } from '../support/bytes.js';
import { copyKv, type Change } from './history.js';
import { selectKeys, selects, type KeySelection } from './key-range.js';
import { toBytes, toCount } from './request.js';

const WATCH_OPTIONS = ['end', 'prefix', 'startRevision', 'prevKv', 'filters', 'progressNotify', 'signal'];
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** What a watch stream reads from its store. */
export interface WatchSource {
  readonly revision: number;
  readonly compactRevision: number;
  /** Every change from `from` on, in order (the event log). */
  eventsFrom(from: number): readonly Change[];
  /** The key's state at `revision` (undefined when absent or compacted). */
  kvAt(key: Uint8Array, revision: number): KeyValue | undefined;
}

interface WatchRequest {
  selection: KeySelection;
  startRevision: number;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
  signal: AbortSignal | undefined;
}

function invalid(message: string): never {
  throw new TidekvError('INVALID_ARGUMENT', message);
}

/** Checks watch(key, options) the way the KV interface documents it. */
export function parseWatchRequest(key: Bytes, input: WatchOptions | undefined): WatchRequest {
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new TidekvError('INVALID_OPTION', 'watch options must be an object');
  }
  const options = (input ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(options)) if (!WATCH_OPTIONS.includes(name)) throw new TidekvError('INVALID_OPTION', `watch: unknown option '${name}'`);
  const keyBytes = toBytes(key, 'INVALID_KEY', 'the watch key');
  if (keyBytes.length === 0) throw new TidekvError('INVALID_KEY', 'the watch key must not be empty');
  for (const name of ['prefix', 'prevKv', 'progressNotify']) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') invalid(`watch option ${name} must be a boolean`);
  }
  const end = options.end === undefined ? undefined : toBytes(options.end, 'INVALID_KEY', 'the watch end');
  if (options.prefix === true && end !== undefined) invalid('watch options end and prefix exclude each other');
  const selection = selectKeys(keyBytes, end, options.prefix === true);
  if (selection.kind === 'range' && byteOrder(selection.end, keyBytes) <= 0) {
    throw new TidekvError('INVALID_RANGE', 'the watch end must be greater than its key');
  }
  const startRevision = options.startRevision === undefined ? 0 : toCount(options.startRevision, 'INVALID_ARGUMENT', 'watch startRevision');
  let noPut = false;
  let noDelete = false;
  if (options.filters !== undefined) {
    if (!Array.isArray(options.filters)) invalid('watch filters must be an array');
    for (const filter of options.filters as unknown[]) {
      if (filter === 'noput') noPut = true;
      else if (filter === 'nodelete') noDelete = true;
      else invalid(`unknown watch filter ${String(filter)}`);
    }
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) invalid('watch signal must be an AbortSignal');
  return { selection, startRevision, prevKv: options.prevKv === true, noPut, noDelete, signal: options.signal as AbortSignal | undefined };
}

/** The stream of one watch. */
export class ReferenceWatchStream implements WatchStream {
  #next: number;
  /** Progress notifications are never sent before the start revision of a watch of the future. */
  readonly #progressFloor: number;
  #progressWanted = false;
  #ended = false;
  #wake: (() => void) | undefined;
  readonly #onAbort = () => this.cancel();

  constructor(
    private readonly source: WatchSource,
    private readonly request: WatchRequest,
    private readonly release: (stream: ReferenceWatchStream) => void,
  ) {
    const start = request.startRevision;
    this.#next = start === 0 ? source.revision + 1 : start;
    this.#progressFloor = start > source.revision ? start : 0;
    request.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (request.signal?.aborted) this.cancel();
  }

  /** The store committed something (or closed): a waiting read looks again. */
  poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  requestProgress(): void {
    this.#progressWanted = true;
    this.poke();
  }

  cancel(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.request.signal?.removeEventListener('abort', this.#onAbort);
    this.release(this);
    this.poke();
  }

  async next(): Promise<IteratorResult<WatchResponse>> {
    for (;;) {
      if (this.#ended) return DONE;
      const current = this.source.revision;
      if (this.#next < this.source.compactRevision) {
        const compactRevision = this.source.compactRevision;
        this.cancel();
        return { done: false, value: { events: [], revision: current, compactRevision } };
      }
      const events = this.#next <= current ? this.#eventsThrough(current) : [];
      if (this.#next <= current) this.#next = current + 1;
      if (events.length > 0) return { done: false, value: { events, revision: current } };
      if (this.#progressWanted && current >= this.#progressFloor) {
        this.#progressWanted = false;
        return { done: false, value: { events: [], revision: current, progress: true } };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<WatchResponse>> {
    this.cancel();
    return DONE;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.cancel();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #eventsThrough(current: number): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (const change of this.source.eventsFrom(this.#next)) {
      if (change.main > current) break;
      if (change.tombstone ? this.request.noDelete : this.request.noPut) continue;
      if (!selects(this.request.selection, change.kv.key)) continue;
      // Copies: the log's objects and bytes are the store's, and each stream's events are its consumer's alone.
      const kv: KeyValue = change.tombstone
        ? { key: new Uint8Array(change.kv.key), value: new Uint8Array(0), createRevision: 0, modRevision: change.main, version: 0, lease: 0 }
        : copyKv(change.kv);
      const event: WatchEvent = { type: change.tombstone ? 'delete' : 'put', kv };
      const isCreate = !change.tombstone && kv.createRevision === kv.modRevision;
      if (this.request.prevKv && !isCreate) {
        const prevKv = this.source.kvAt(kv.key, change.main - 1);
        if (prevKv) event.prevKv = copyKv(prevKv);
      }
      events.push(event);
    }
    return events;
  }
}

/** Every watch of one reference store, and its event log. */
export class ReferenceWatchHub {
  readonly #streams = new Set<ReferenceWatchStream>();
  /** Every change since the store opened (or, after a reopen, what its history kept), in order. */
  readonly #log: Change[];

  constructor(
    private readonly source: Omit<WatchSource, 'eventsFrom'>,
    initial: readonly Change[],
  ) {
    this.#log = [...initial];
  }

  watch(key: Bytes, options?: WatchOptions): WatchStream {
    const request = parseWatchRequest(key, options);
    const source = this.source;
    const stream = new ReferenceWatchStream(
      {
        get revision() {
          return source.revision;
        },
        get compactRevision() {
          return source.compactRevision;
        },
        eventsFrom: (from) => this.#eventsFrom(from),
        kvAt: (k, rev) => source.kvAt(k, rev),
      },
      request,
      (s) => this.#streams.delete(s),
    );
    this.#streams.add(stream);
    return stream;
  }

  /** A commit's changes, appended once its revision is the store's. */
  publish(changes: readonly Change[]): void {
    for (const change of changes) this.#log.push(change);
    for (const stream of this.#streams) stream.poke();
  }

  close(): void {
    for (const stream of [...this.#streams]) stream.cancel();
  }

  #eventsFrom(from: number): readonly Change[] {
    // The log is short in the suite's cases; a binary search would be the only "optimisation".
    let lo = 0;
    let hi = this.#log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#log[mid]!.main < from) lo = mid + 1;
      else hi = mid;
    }
    return this.#log.slice(lo);
  }
}
