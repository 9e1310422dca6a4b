/**
 * Every watch of one store: etcd's watchableStore, attached to the store's commit path from
 * the outside. The store calls `notify(revision, changes)` once per acknowledged revision, in
 * order, synchronously when that revision becomes readable; the group reads older history
 * only through the narrow `WatchHistory` interface.
 *
 * No gap, no duplicate, at the catch-up/live boundary: the group's `revision` is the last
 * revision it was notified of. A catching-up watcher reads history only up to that revision
 * and joins the synced set in the same synchronous step in which it finds it has reached it,
 * so the next notify is exactly the next revision it needs.
 *
 * Writers never wait: notify only appends to bounded queues; a watcher that cannot take more
 * is moved to the unsynced side and later reads what it missed from storage. A commit that
 * no watcher matches costs a hash of each changed key and a few map probes (watcher-index.ts):
 * no allocation, no visit to the idle watchers.
 *
 * Periodic progress runs on the injectable clock (clock.ts): one timer, armed while some
 * watcher asked for progressNotify, re-armed after each period; the system clock's timers
 * never keep the process alive.
 */
import { TidekvError } from '../errors.js';
import { systemClock, type Clock } from './clock.js';
import type { KeyValue, WatchEvent } from './kv.js';
import { watchWants, type WatchSpec } from './watch.js';
import { changeToEvent } from './watch-history.js';
import { Watcher, type WatcherHost, type WatcherLimits } from './watcher.js';
import { WatcherIndex } from './watcher-index.js';

/** The part of the store the group reads history from. */
export interface WatchHistory {
  /** The store's compact revision: revisions below it are gone (-1 or 0 when never compacted). */
  readonly compactRevision: number;
  /**
   * The events of revisions from..to inclusive, in (revision, sub-revision) order, in whole
   * revisions: reading may stop after the first revision that brings the count to
   * `maxEvents` or more. `through` is the last revision covered (`to` when it got there).
   * Deletes carry `{ key, modRevision }` with the other fields zero, as watch reports them.
   */
  readEvents(from: number, to: number, maxEvents: number): Promise<{ events: WatchEvent[]; through: number }>;
  /** The key's KeyValue as of `revision`; undefined when absent or compacted. */
  readKv(key: Uint8Array, revision: number): Promise<KeyValue | undefined>;
}

export interface WatcherGroupOptions extends Partial<WatcherLimits> {
  /** Events read from history per catch-up batch (whole revisions); default 1000. */
  catchUpBatchEvents?: number;
  /** Period of the progress notifications asked for with progressNotify; default 10 minutes, as etcd. */
  progressIntervalMs?: number;
  /** Times the progress period; default real time with unref'd timers. */
  clock?: Clock;
}

/** One change of a committed revision, as the store's commit path hands it over. */
export interface CommittedChange {
  tombstone: boolean;
  /** The stored KeyValue; for a tombstone the key alone. */
  kv: KeyValue;
}

export const DEFAULT_WATCHER_LIMITS: WatcherLimits = {
  maxQueuedEvents: 1024,
  maxQueuedBytes: 1 << 20,
  maxResponseEvents: 1000,
};

export class WatcherGroup implements WatcherHost {
  /** The last revision notified: everything up to it has been offered to synced watchers. */
  revision: number;
  private readonly synced = new WatcherIndex();
  /** Synced watchers with a progress request waiting for the revision to reach their floor. */
  private readonly progressWaiting = new Set<Watcher>();
  private readonly all = new Set<Watcher>();
  readonly limits: WatcherLimits;
  private readonly batchEvents: number;
  private readonly progressIntervalMs: number;
  private readonly clock: Clock;
  private progressWatchers = 0;
  private progressTimer: unknown;
  private closed = false;
  /** Catching-up watchers' next history batch, read while their consumers take the current one. */
  private readonly readAhead = new Map<Watcher, { from: number; read: Promise<{ events: WatchEvent[]; through: number }> }>();
  /** The watchers one changed key matches; reused by every commit, so matching allocates nothing. */
  private readonly hits: Watcher[] = [];

  constructor(
    private readonly history: WatchHistory,
    revision: number,
    options: WatcherGroupOptions = {},
  ) {
    this.revision = revision;
    this.limits = {
      maxQueuedEvents: options.maxQueuedEvents ?? DEFAULT_WATCHER_LIMITS.maxQueuedEvents,
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_WATCHER_LIMITS.maxQueuedBytes,
      maxResponseEvents: options.maxResponseEvents ?? DEFAULT_WATCHER_LIMITS.maxResponseEvents,
    };
    this.batchEvents = options.catchUpBatchEvents ?? 1000;
    this.progressIntervalMs = options.progressIntervalMs ?? 10 * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Number of open watchers. */
  get size(): number {
    return this.all.size;
  }

  /** Opens a watcher for a validated spec. */
  watch(spec: WatchSpec): Watcher {
    if (this.closed) throw new TidekvError('NOT_OPEN', 'the store is closed');
    const start = spec.startRevision;
    const future = start > this.revision;
    const watcher = new Watcher(spec, this, start === 0 ? this.revision + 1 : start, future ? start : 0);
    if (spec.signal?.aborted) {
      watcher.ended = true;
      return watcher;
    }
    this.all.add(watcher);
    if (spec.progressNotify && this.progressWatchers++ === 0) this.startProgressTimer();
    if (start === 0 || future) this.join(watcher);
    return watcher;
  }

  /** The commit hook: revision `revision` is acknowledged and readable; `changes` are its changes in order. */
  notify(revision: number, changes: readonly CommittedChange[]): void {
    this.revision = revision;
    if (this.synced.size > 0) {
      if (changes.length === 1) this.notifyOne(revision, changes[0]!);
      else if (changes.length > 1) this.notifyMany(revision, changes);
    }
    if (this.progressWaiting.size > 0) for (const watcher of this.progressWaiting) this.progress(watcher);
  }

  /** A revision of one change (a put or a single-key delete): its event is built only if someone watches its key. */
  private notifyOne(revision: number, change: CommittedChange): void {
    const hits = this.hits;
    // Emptied before use too: had a delivery ever thrown, stale matches must not reach the next commit.
    hits.length = 0;
    this.synced.collect(change.kv.key, hits);
    if (hits.length === 0) return;
    const events = [changeToEvent(revision, change.tombstone, change.kv)];
    // deliver() may unsync a watcher, which changes the index, not `hits`.
    for (let i = 0; i < hits.length; i++) this.deliver(hits[i]!, revision, events);
    hits.length = 0;
  }

  /** A revision of several changes: each watcher gets its matching events of the revision together, in order. */
  private notifyMany(revision: number, changes: readonly CommittedChange[]): void {
    const hits = this.hits;
    let matched: Map<Watcher, WatchEvent[]> | undefined;
    for (const change of changes) {
      hits.length = 0;
      this.synced.collect(change.kv.key, hits);
      if (hits.length === 0) continue;
      const event = changeToEvent(revision, change.tombstone, change.kv);
      matched ??= new Map();
      for (let i = 0; i < hits.length; i++) {
        const list = matched.get(hits[i]!);
        if (list) list.push(event);
        else matched.set(hits[i]!, [event]);
      }
      hits.length = 0;
    }
    if (matched !== undefined) for (const [watcher, list] of matched) this.deliver(watcher, revision, list);
  }

  /** Offers one revision's events (already matched by key) to a synced watcher. */
  private deliver(watcher: Watcher, revision: number, events: WatchEvent[]): void {
    if (revision < watcher.liveFrom) return;
    const spec = watcher.spec;
    const wanted = spec.noPut || spec.noDelete ? events.filter((event) => watchWants(spec, event)) : events;
    if (wanted.length === 0 || watcher.offer(revision, wanted)) return;
    // A victim: it keeps what it has queued and later reads `revision` on from storage.
    this.unsync(watcher);
    watcher.nextRevision = revision;
  }

  private unsync(watcher: Watcher): void {
    if (!watcher.synced) return;
    this.synced.delete(watcher);
    this.progressWaiting.delete(watcher);
    watcher.synced = false;
  }

  async catchUp(watcher: Watcher): Promise<void> {
    const from = watcher.nextRevision;
    if (this.compacted(watcher, from)) return;
    if (from > this.revision) {
      this.join(watcher);
      return;
    }
    const ahead = this.readAhead.get(watcher);
    this.readAhead.delete(watcher);
    const read = ahead !== undefined && ahead.from === from ? ahead.read : this.history.readEvents(from, this.revision, this.batchEvents);
    const { events, through } = await read;
    if (watcher.ended) return;
    if (!(through >= from && through <= this.revision)) {
      throw new TidekvError('CORRUPTION', `history read of revisions ${from}..${this.revision} reported ${through}`);
    }
    // A compaction that began during the read (or since it) may have removed part of what it saw.
    if (this.compacted(watcher, from)) return;
    let matched: WatchEvent[] | undefined;
    for (const event of events) {
      if (watchWants(watcher.spec, event)) (matched ??= []).push(event);
    }
    watcher.nextRevision = through + 1;
    // Read for this watcher alone (a history read decodes fresh objects from the engine's copies): its own to hand out.
    if (matched !== undefined) watcher.push({ kind: 'events', revision: through, events: matched, shared: false });
    if (watcher.nextRevision > this.revision) this.join(watcher);
    else this.readNext(watcher);
  }

  /**
   * Starts reading the watcher's next batch while its consumer takes this one: the engine
   * read overlaps the consumer's work instead of following it. One batch ahead at most, and
   * checked like any other read when it is taken (catchUp above); a failed read fails the
   * stream then, after the batches before it.
   */
  private readNext(watcher: Watcher): void {
    const from = watcher.nextRevision;
    const read = this.history.readEvents(from, this.revision, this.batchEvents);
    read.catch(() => undefined);
    this.readAhead.set(watcher, { from, read });
  }

  readKv(key: Uint8Array, revision: number): Promise<KeyValue | undefined> {
    return this.history.readKv(key, revision);
  }

  release(watcher: Watcher): void {
    if (!this.all.delete(watcher)) return;
    this.readAhead.delete(watcher);
    this.unsync(watcher);
    if (watcher.spec.progressNotify && --this.progressWatchers === 0) this.stopProgressTimer();
  }

  progress(watcher: Watcher): void {
    if (!watcher.synced || !watcher.progressRequested) return;
    if (this.revision < watcher.progressFloor) {
      this.progressWaiting.add(watcher);
      return;
    }
    this.progressWaiting.delete(watcher);
    watcher.progressRequested = false;
    watcher.push({ kind: 'progress', revision: this.revision });
  }

  /** One period of progressNotify: a bookmark to every caught-up watcher that received nothing since the last period. */
  progressTick(): void {
    for (const watcher of this.synced.values()) {
      if (!watcher.spec.progressNotify) continue;
      if (!watcher.activeSinceTick && watcher.queued === 0 && this.revision >= watcher.progressFloor) {
        watcher.push({ kind: 'progress', revision: this.revision });
      }
      watcher.activeSinceTick = false;
    }
  }

  /** Ends every watcher (their iterators finish) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const watcher of [...this.all]) watcher.cancel();
    this.stopProgressTimer();
  }

  private join(watcher: Watcher): void {
    if (watcher.synced) return;
    watcher.liveFrom = watcher.nextRevision;
    watcher.synced = true;
    this.synced.add(watcher);
    if (watcher.progressRequested) this.progress(watcher);
  }

  /** Queues the compaction notice when `from` is no longer readable; true if it did. */
  private compacted(watcher: Watcher, from: number): boolean {
    const compactRevision = this.history.compactRevision;
    if (from >= compactRevision) return false;
    watcher.push({ kind: 'compacted', revision: this.revision, compactRevision });
    watcher.nextRevision = Number.MAX_SAFE_INTEGER;
    return true;
  }

  private startProgressTimer(): void {
    this.progressTimer = this.clock.setTimeout(() => {
      this.progressTimer = undefined;
      this.progressTick();
      if (this.progressWatchers > 0 && !this.closed) this.startProgressTimer();
    }, this.progressIntervalMs);
  }

  private stopProgressTimer(): void {
    if (this.progressTimer !== undefined) this.clock.clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
  }
}
