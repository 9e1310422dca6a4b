/**
 * One watch stream: the consumer's side of a watch. It holds a bounded queue of responses
 * that its group fills, and hands them out through the async-iterator protocol.
 *
 * A watcher is in one of two states, as in etcd's watchableStore:
 * - synced: caught up; the group hands it every matching commit as it is acknowledged.
 * - unsynced: behind; when its queue is empty and its consumer asks for more, it reads the
 *   next batch of history through its group, and rejoins the synced set once it reaches the
 *   group's revision. A synced watcher whose queue is full is moved here (etcd's "victim"):
 *   writers never wait for a slow consumer, and the consumer loses nothing.
 *
 * Queued items always hold whole revisions, so a revision's events are never split.
 */
import { copyBytes } from '../codec/byte-slab.js';
import type { KeyValue, WatchEvent, WatchResponse, WatchStream } from './kv.js';
import { isCreateEvent, type WatchSpec } from './watch.js';

/** What a watcher needs from its group. */
export interface WatcherHost {
  /** Reads the watcher's next batch of history (or joins it to the live set). */
  catchUp(watcher: Watcher): Promise<void>;
  /** The key's KeyValue as of `revision`; undefined when absent or compacted. */
  readKv(key: Uint8Array, revision: number): Promise<KeyValue | undefined>;
  /** Forget the watcher: it ended. */
  release(watcher: Watcher): void;
  /** Try to queue a requested progress notification now. */
  progress(watcher: Watcher): void;
  /** The queue bounds, shared by every watcher of the host. */
  readonly limits: WatcherLimits;
}

export type QueuedItem =
  /** `shared`: the event objects and bytes may reach other watchers too (live events), so responses hand out copies. */
  | { kind: 'events'; revision: number; events: WatchEvent[]; shared: boolean }
  | { kind: 'progress'; revision: number }
  | { kind: 'compacted'; revision: number; compactRevision: number };

export interface WatcherLimits {
  /** A synced watcher holding this many queued events stops taking live events. */
  maxQueuedEvents: number;
  /** Likewise for the bytes of the queued keys and values. */
  maxQueuedBytes: number;
  /** Largest number of events merged into one response (whole revisions are never split). */
  maxResponseEvents: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

function eventBytes(events: readonly WatchEvent[]): number {
  let bytes = 0;
  for (const event of events) bytes += event.kv.key.length + event.kv.value.length + 64;
  return bytes;
}

/**
 * Copies of `events` (without prevKv, which queued events never need) for one response alone:
 * new event and KeyValue objects, and copies of their keys and values. Small copies are views
 * of a shared slab (byte-slab.ts), as range results' are: their `.buffer` is shared, but no two
 * overlap, so changing one event's bytes changes nothing else.
 */
function ownedEvents(events: readonly WatchEvent[]): WatchEvent[] {
  const out = new Array<WatchEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    const { type, kv } = events[i]!;
    out[i] = {
      type,
      kv: { key: copyBytes(kv.key), value: copyBytes(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version, lease: kv.lease },
    };
  }
  return out;
}

const SYNCED = 1;
const ENDED = 2;
const PROGRESS_REQUESTED = 4;
const ACTIVE_SINCE_TICK = 8;

export class Watcher implements WatchStream {
  /** The next revision this watcher needs (meaningful while unsynced). */
  nextRevision: number;
  /** While synced: revisions below this are not delivered (a watch of the future). */
  liveFrom = 0;
  /** Progress notifications wait until the group's revision reaches this (etcd: never before a future start). */
  readonly progressFloor: number;
  /** The switches below, as bits: one field instead of four on every watcher. */
  private state = 0;

  /** Created by the first item queued: an idle watcher has no queue. */
  private items: QueuedItem[] | undefined;
  private head = 0;
  private queuedEvents = 0;
  private queuedBytes = 0;
  private wake: (() => void) | undefined;
  /** The read in progress, if any: reads are served one after another. */
  private reading: Promise<IteratorResult<WatchResponse>> | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    readonly spec: WatchSpec,
    private readonly host: WatcherHost,
    nextRevision: number,
    progressFloor: number,
  ) {
    this.nextRevision = nextRevision;
    this.progressFloor = progressFloor;
    if (spec.signal) {
      this.onAbort = () => this.cancel();
      spec.signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Live: in the group's synced set. */
  get synced(): boolean {
    return (this.state & SYNCED) !== 0;
  }
  set synced(value: boolean) {
    this.flag(SYNCED, value);
  }
  get ended(): boolean {
    return (this.state & ENDED) !== 0;
  }
  set ended(value: boolean) {
    this.flag(ENDED, value);
  }
  /** A requested progress notification not yet queued. */
  get progressRequested(): boolean {
    return (this.state & PROGRESS_REQUESTED) !== 0;
  }
  set progressRequested(value: boolean) {
    this.flag(PROGRESS_REQUESTED, value);
  }
  /** Something was queued since the last periodic progress tick. */
  get activeSinceTick(): boolean {
    return (this.state & ACTIVE_SINCE_TICK) !== 0;
  }
  set activeSinceTick(value: boolean) {
    this.flag(ACTIVE_SINCE_TICK, value);
  }

  private flag(bit: number, value: boolean): void {
    this.state = value ? this.state | bit : this.state & ~bit;
  }

  get queued(): number {
    return this.items === undefined ? 0 : this.items.length - this.head;
  }

  /**
   * Queues one live revision's matching events. Refuses (false) when the queue is over its
   * bounds, unless it is empty: a revision is taken whole even when it alone is larger.
   */
  offer(revision: number, events: WatchEvent[]): boolean {
    if (this.queued > 0 && (this.queuedEvents >= this.host.limits.maxQueuedEvents || this.queuedBytes >= this.host.limits.maxQueuedBytes)) {
      return false;
    }
    this.push({ kind: 'events', revision, events, shared: true });
    return true;
  }

  push(item: QueuedItem): void {
    if (this.ended) return;
    (this.items ??= []).push(item);
    if (item.kind === 'events') {
      this.queuedEvents += item.events.length;
      this.queuedBytes += eventBytes(item.events);
    }
    this.activeSinceTick = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  requestProgress(): void {
    if (this.ended) return;
    this.progressRequested = true;
    this.host.progress(this);
  }

  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.items = undefined;
    this.head = 0;
    this.queuedEvents = 0;
    this.queuedBytes = 0;
    if (this.onAbort) this.spec.signal!.removeEventListener('abort', this.onAbort);
    this.host.release(this);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  next(): Promise<IteratorResult<WatchResponse>> {
    // The common case, a consumer that reads while responses wait: composed at once, with
    // no read in flight to wait for and no async step (prevKv needs reads, so it never is).
    if (this.reading === undefined && this.queued > 0 && !this.spec.prevKv) {
      const response = this.compose() as WatchResponse;
      return Promise.resolve({ done: false, value: response });
    }
    // Serialised: a response is composed only after the previous one was handed out.
    const pull = () => this.pull();
    const result: Promise<IteratorResult<WatchResponse>> = this.reading ? this.reading.then(pull, pull) : pull();
    this.reading = result;
    const clear = () => {
      if (this.reading === result) this.reading = undefined;
    };
    result.then(clear, clear);
    return result;
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

  private async pull(): Promise<IteratorResult<WatchResponse>> {
    for (;;) {
      if (this.ended) return DONE;
      if (this.queued > 0) {
        const response = await this.compose();
        return response === undefined ? DONE : { done: false, value: response };
      }
      if (this.synced) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        await this.host.catchUp(this);
      } catch (error) {
        this.cancel();
        throw error;
      }
    }
  }

  /** The first queued item (the queue holds one). */
  private shift(): QueuedItem {
    const items = this.items!;
    const item = items[this.head]!;
    items[this.head++] = undefined as unknown as QueuedItem;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
    if (item.kind === 'events') {
      this.queuedEvents -= item.events.length;
      this.queuedBytes -= eventBytes(item.events);
    }
    return item;
  }

  /** The next response from the queue; undefined when the watch ended meanwhile. */
  private compose(): WatchResponse | undefined | Promise<WatchResponse | undefined> {
    const first = this.shift();
    if (first.kind === 'progress') return { events: [], revision: first.revision, progress: true };
    if (first.kind === 'compacted') {
      this.cancel();
      return { events: [], revision: first.revision, compactRevision: first.compactRevision };
    }
    let events = first.events;
    let revision = first.revision;
    let shared = first.shared;
    while (this.queued > 0 && events.length < this.host.limits.maxResponseEvents) {
      const item = this.items![this.head]!;
      if (item.kind !== 'events') break;
      this.shift();
      if (events === first.events) events = events.slice();
      for (const event of item.events) events.push(event);
      revision = item.revision;
      shared ||= item.shared;
    }
    // Live events reach every matching watcher as the same objects: each response gets copies
    // of its own, so what one consumer does to its events never reaches another, nor the store.
    if (shared) events = ownedEvents(events);
    if (!this.spec.prevKv) return { events: shared ? events : this.withoutPrevKv(events, events !== first.events), revision };
    return this.shape(events).then((shaped) => (shaped === undefined ? undefined : { events: shaped, revision }));
  }

  /** The events without prevKv, in an array of this response's own. */
  private withoutPrevKv(events: WatchEvent[], own: boolean): WatchEvent[] {
    const out = own ? events : events.slice();
    for (let i = 0; i < out.length; i++) {
      const event = out[i]!;
      if (event.prevKv !== undefined) out[i] = { type: event.type, kv: event.kv };
    }
    return out;
  }

  /** Gives each event exactly the prevKv this watch asked for. */
  private async shape(events: WatchEvent[]): Promise<WatchEvent[] | undefined> {
    const out = new Array<WatchEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!this.spec.prevKv) {
        out[i] = event.prevKv === undefined ? event : { type: event.type, kv: event.kv };
      } else if (event.prevKv !== undefined || isCreateEvent(event)) {
        out[i] = event;
      } else {
        const prevKv = await this.host.readKv(event.kv.key, event.kv.modRevision - 1);
        if (this.ended) return undefined;
        out[i] = prevKv === undefined ? event : { type: event.type, kv: event.kv, prevKv };
      }
    }
    return out;
  }
}
