/**
 * Deliberately broken KV stores, each the reference KV with one realistic bug (the ones the
 * reference's "where the origin design diverges" list and etcd's own fixes warn about). The
 * MVCC meta-tests prove describeMvcc rejects every one of them.
 */
import type { Bytes, KeyValue, WatchOptions, WatchResponse, WatchStream } from '@tidekv/core';
import { ReferenceKV, openReferenceKV, type MvccLocation } from '../src/index.js';
import { Commit } from '../src/mvcc/commit.js';
import type { Change, History } from '../src/mvcc/history.js';
import { readReferenceState, writeReferenceState, type ReferenceState } from '../src/mvcc/reference-file.js';
import { answerRange, type RangeAnswer } from '../src/mvcc/range-read.js';
import type { CompareRequest, DeleteRangeRequest, RangeRequest, TxnRequest } from '../src/mvcc/request.js';
import { checkTxn } from '../src/mvcc/txn-rules.js';

export interface BrokenKV {
  name: string;
  bug: string;
  open: (location: MvccLocation) => Promise<ReferenceKV>;
  /** Cases that must be among the failures. */
  mustFail: string[];
  /** Cases that must pass (the bug shows only in a variant of them). */
  mustPass?: string[];
  /** Its commits write files as they go: it runs the full-disk cases (and only the groups in `groups`). */
  fullDisk?: boolean;
  /** Run only these groups (for a store whose bug lives in them and that is slow elsewhere). */
  groups?: string[];
}

/** Opens a subclass of ReferenceKV, persisted in the test's directory like the real model (at every commit when `durable`). */
function opener(Broken: { prototype: ReferenceKV }, durable = false) {
  return async ({ dir }: MvccLocation) => {
    const base = await openReferenceKV({ dir, durable });
    // Swap the prototype: same state, one method replaced.
    return Object.setPrototypeOf(base, Broken.prototype) as ReferenceKV;
  };
}

/** A commit that counts a delete that matched nothing as a change. */
class EmptyDeleteCommit extends Commit {
  #touched = false;
  override deleteRange(op: DeleteRangeRequest): KeyValue[] {
    const deleted = super.deleteRange(op);
    if (deleted.length === 0) this.#touched = true;
    return deleted;
  }
  override get changed(): boolean {
    return super.changed || this.#touched;
  }
}

class EmptyDeleteUsesRevision extends ReferenceKV {
  protected override createCommit(): Commit {
    const real = super.createCommit();
    return new EmptyDeleteCommit(real.history, real.main, real.answer);
  }
}

class CompactionDropsVisibleValue extends ReferenceKV {
  protected override compactHistory(history: History, revision: number): void {
    const kept = history.changes.filter((c) => c.main > revision);
    history.changes.splice(0, history.changes.length, ...kept);
  }
}

class NestedComparesSeeOuterWrites extends ReferenceKV {
  protected override nestedTxnSucceeds(txn: TxnRequest, _decided: boolean, during: History, revision: number): boolean {
    return txn.compare.every((c) => this.compareHolds(c, during, revision));
  }
}

class MoreFromCount extends ReferenceKV {
  protected override answerRange(request: RangeRequest, live: readonly KeyValue[]): RangeAnswer {
    const answer = answerRange(request, live);
    return { ...answer, more: !request.countOnly && request.limit > 0 && live.length > request.limit };
  }
}

class CountHonoursLimit extends ReferenceKV {
  protected override answerRange(request: RangeRequest, live: readonly KeyValue[]): RangeAnswer {
    const answer = answerRange(request, live);
    return { ...answer, count: request.limit > 0 ? Math.min(answer.count, request.limit) : answer.count };
  }
}

class DescendReversesTies extends ReferenceKV {
  protected override answerRange(request: RangeRequest, live: readonly KeyValue[]): RangeAnswer {
    if (request.order !== 'descend' || request.countOnly) return answerRange(request, live);
    const ascending = answerRange({ ...request, order: 'ascend', limit: 0 }, live);
    const kvs = ascending.kvs.reverse();
    const more = request.limit > 0 && kvs.length > request.limit;
    return { ...ascending, kvs: more ? kvs.slice(0, request.limit) : kvs, more };
  }
}

class DuplicateCheckSkipsNested extends ReferenceKV {
  protected override checkTxnRequest(txn: TxnRequest): void {
    checkTxn(txn, 128);
    const flat = { ...txn, success: txn.success.filter((op) => op.type !== 'txn'), failure: txn.failure.filter((op) => op.type !== 'txn') };
    super.checkTxnRequest({ ...flat, compare: [] });
  }
}

class ValueCompareOnMissingKey extends ReferenceKV {
  protected override compareHolds(compare: CompareRequest, history: History, revision: number): boolean {
    if (compare.target === 'value' && history.liveAt(revision, compare.selection).length === 0) {
      const order = Buffer.compare(Buffer.alloc(0), Buffer.from(compare.value as Uint8Array));
      return { '=': order === 0, '!=': order !== 0, '<': order < 0, '>': order > 0 }[compare.result];
    }
    return super.compareHolds(compare, history, revision);
  }
}

/** Wraps a watch stream, rewriting each response into zero or more responses. */
function rewriteStream(stream: WatchStream, rewrite: (response: WatchResponse) => WatchResponse[]): WatchStream {
  const queue: WatchResponse[] = [];
  const wrapped: WatchStream = {
    async next() {
      while (queue.length === 0) {
        const next = await stream.next();
        if (next.done) return next;
        queue.push(...rewrite(next.value));
      }
      return { done: false, value: queue.shift()! };
    },
    return: () => stream.return(),
    cancel: () => stream.cancel(),
    requestProgress: () => stream.requestProgress(),
    [Symbol.asyncDispose]: () => stream[Symbol.asyncDispose](),
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}

/** A watch that catches up from history, then drops the first live event (the boundary bug). */
class WatchDropsBoundaryEvent extends ReferenceKV {
  override watch(key: Bytes, options?: WatchOptions): WatchStream {
    const caughtUpAt = this.revision;
    const catchingUp = (options?.startRevision ?? 0) !== 0 && options!.startRevision! <= caughtUpAt;
    let dropped = !catchingUp;
    return rewriteStream(super.watch(key, options), (response) => {
      if (dropped) return [response];
      const index = response.events.findIndex((e) => e.kv.modRevision > caughtUpAt);
      if (index < 0) return [response];
      dropped = true;
      const events = response.events.filter((_, i) => i !== index);
      return events.length > 0 ? [{ ...response, events }] : [];
    });
  }
}

/** A watch that sends every event in its own response, splitting a txn's events. */
class WatchSplitsTxn extends ReferenceKV {
  override watch(key: Bytes, options?: WatchOptions): WatchStream {
    return rewriteStream(super.watch(key, options), (response) =>
      response.events.length <= 1 ? [response] : response.events.map((event) => ({ events: [event], revision: event.kv.modRevision })),
    );
  }
}

/** Every watch of the store is handed the same event objects (and bytes) for the same change: one consumer's changes reach the others. */
class WatchSharesEvents extends ReferenceKV {
  /** Created on first use: a broken store is a reference store with its prototype swapped, so no field initializer runs. */
  private seen: Map<string, WatchResponse['events'][number]> | undefined;
  override watch(key: Bytes, options?: WatchOptions): WatchStream {
    const seen = (this.seen ??= new Map());
    return rewriteStream(super.watch(key, options), (response) => {
      const events = response.events.map((event) => {
        const id = `${event.kv.modRevision} ${Buffer.from(event.kv.key).toString('hex')} ${event.prevKv !== undefined}`;
        const shared = seen.get(id) ?? event;
        seen.set(id, shared);
        return shared;
      });
      return [{ ...response, events }];
    });
  }
}

/** A revoke that deletes its keys one revision each (the origin design's bug). */
class RevokeRevisionPerKey extends ReferenceKV {
  protected override revokeLeaseKeys(id: number): number {
    // The reference commits synchronously inside deleteRange, so each key gets its own revision here.
    for (const key of this.attachedKeys(id)) void this.deleteRange(key);
    return this.revision;
  }
}

/**
 * A physical compaction in batches (the location's batch size; 1000 by default) that records
 * the compact revision only with its last batch, the first batch running at once: a close
 * part-way leaves a cut history on disk under the old compact revision, so after a reopen
 * reads below the compaction answer from the cut history instead of failing COMPACTED.
 * (The model compacts its memory at once; the file it leaves is what such a store leaves.)
 */
class CompactionRecordsRevisionLast extends ReferenceKV {
  declare location: MvccLocation;
  declare recorded: number;
  declare removal: { revision: number; doomed: Change[]; removed: number; timer?: NodeJS.Timeout } | undefined;

  protected override compactHistory(history: History, revision: number): void {
    const before = [...history.changes];
    super.compactHistory(history, revision);
    const kept = new Set(history.changes);
    const doomed = [...(this.removal ? this.removal.doomed.slice(this.removal.removed) : []), ...before.filter((c) => !kept.has(c))];
    if (this.removal?.timer) clearTimeout(this.removal.timer);
    this.removal = { revision, doomed, removed: 0 };
    this.batch();
  }

  batch(): void {
    const removal = this.removal!;
    const { batchSize = 1000, pauseMs = 10 } = this.location.compaction ?? {};
    removal.removed = Math.min(removal.doomed.length, removal.removed + batchSize);
    if (removal.removed < removal.doomed.length) removal.timer = setTimeout(() => this.batch(), pauseMs);
    else {
      this.recorded = removal.revision;
      this.removal = undefined;
    }
  }

  override async close(): Promise<void> {
    const removal = this.removal;
    if (removal?.timer) clearTimeout(removal.timer);
    this.removal = undefined;
    await super.close();
    if (!removal) return;
    const state = readReferenceState(this.location.dir)!;
    const left = removal.doomed.slice(removal.removed);
    state.changes = [...state.changes, ...left].sort((a, b) => a.main - b.main || a.sub - b.sub);
    state.compactRevision = this.recorded;
    writeReferenceState(this.location.dir, state);
  }
}

async function openCompactionRecordsRevisionLast(location: MvccLocation): Promise<ReferenceKV> {
  const kv = Object.setPrototypeOf(await openReferenceKV({ dir: location.dir }), CompactionRecordsRevisionLast.prototype) as CompactionRecordsRevisionLast;
  kv.location = location;
  kv.recorded = kv.compactRevision;
  kv.removal = undefined;
  return kv;
}

/**
 * A commit whose write fails part-way on a full disk leaves its first half on disk (a
 * non-atomic write: half its records went out before the disk was full), found by the next
 * open. Emulated: the half state is written once there is room, on close.
 */
class FailedCommitLeavesHalf extends ReferenceKV {
  declare half: ReferenceState | undefined;

  protected override writeState(state: ReferenceState): void {
    try {
      super.writeState(state);
    } catch (error) {
      const last = state.changes.filter((c) => c.main === state.revision);
      const kept = state.changes.slice(0, state.changes.length - Math.floor(last.length / 2));
      this.half ??= { ...state, changes: kept };
      throw error;
    }
  }

  override async close(): Promise<void> {
    await super.close().catch(() => undefined);
    if (this.half) super.writeState(this.half);
  }
}

/** A store that goes on accepting writes after a commit failed to write (what LevelDB did). */
class WritesAfterFailure extends ReferenceKV {
  protected override assertWritable(): void {}
}

export const brokenKVs: BrokenKV[] = [
  {
    name: 'empty delete uses a revision',
    bug: 'deleteRange that matched nothing still consumes a revision',
    open: opener(EmptyDeleteUsesRevision),
    mustFail: ['requests that change nothing use no revision', 'random operation sequences answer exactly as the reference model'],
  },
  {
    name: 'compaction drops the visible value',
    bug: 'compaction keeps only revisions above the compact revision, losing each key\'s value at it',
    open: opener(CompactionDropsVisibleValue),
    mustFail: [
      'the compaction example (put, put, delete, put, delete; one revision later since a store starts at 1)',
      'reads at and above the compact revision are the same before and after physical compaction',
      'compacting at the current revision keeps every key',
      'writers and readers run beside the physical removal: reads at or above the compact revision never change, below they fail COMPACTED (compaction in batches of 3)',
      'a close during the physical removal stops it; after reopen reads below fail COMPACTED, reads at or above are unchanged, and the removal finishes',
    ],
  },
  {
    name: 'compaction records its revision only with its last batch',
    bug: 'a compaction cut short by close() leaves revisions removed under the old compact revision, so reads below it answer from a cut history',
    open: openCompactionRecordsRevisionLast,
    groups: ['compaction', 'compaction in small batches'],
    mustFail: ['a close during the physical removal stops it; after reopen reads below fail COMPACTED, reads at or above are unchanged, and the removal finishes (compaction in batches of 3)'],
    mustPass: ['a close during the physical removal stops it; after reopen reads below fail COMPACTED, reads at or above are unchanged, and the removal finishes'],
  },
  {
    name: 'a failed commit leaves half of itself',
    bug: 'a commit whose write fails on a full disk leaves half its changes on disk for the next open',
    open: opener(FailedCommitLeavesHalf, true),
    fullDisk: true,
    groups: ['full disk'],
    mustFail: ['a commit that fails on a full disk is all or nothing, uses no revision, and the store refuses writes until reopened'],
  },
  {
    name: 'writes go on after a failed commit',
    bug: 'after a commit failed to write, the store accepts the next writes as if nothing happened',
    open: opener(WritesAfterFailure, true),
    fullDisk: true,
    groups: ['full disk'],
    mustFail: ['a commit that fails on a full disk is all or nothing, uses no revision, and the store refuses writes until reopened'],
  },
  {
    name: 'nested compares see outer writes',
    bug: "a nested txn's compares are evaluated after the outer txn's earlier writes",
    open: opener(NestedComparesSeeOuterWrites),
    mustFail: ['nested txn compares see the state before the txn, not the outer writes'],
  },
  {
    name: 'more from count',
    bug: '`more` is computed from the count before the min/max filters',
    open: opener(MoreFromCount),
    mustFail: ['filters apply before limit, and more says whether the filtered list was cut'],
  },
  {
    name: 'count honours limit',
    bug: '`count` is cut to the limit',
    open: opener(CountHonoursLimit),
    mustFail: ['limit: 0 means none; more is true only when kvs were cut; count ignores limit', 'sort by key, order ascend'],
  },
  {
    name: 'descending sort reverses ties',
    bug: 'descending order is the ascending list reversed, so keys that tie come in reverse key order',
    open: opener(DescendReversesTies),
    mustFail: ['sort by version, order descend'],
  },
  {
    name: 'duplicate check skips nested txns',
    bug: 'DUPLICATE_KEY is checked only among the top-level ops',
    open: opener(DuplicateCheckSkipsNested),
    mustFail: ['DUPLICATE_KEY: a key put twice, or put inside a delete, in one branch (nested included)'],
  },
  {
    name: 'value compare on a missing key',
    bug: 'a value compare on a missing key compares the empty value instead of failing',
    open: opener(ValueCompareOnMissingKey),
    mustFail: ['compares on a missing key: value is always false, other targets compare 0'],
  },
  {
    name: 'watch drops the event at the catch-up/live boundary',
    bug: 'a watch that started in the past loses the first event committed after it caught up',
    open: opener(WatchDropsBoundaryEvent),
    mustFail: ['a watch from a past revision replays history, then live changes, with no gap or duplicate'],
  },
  {
    name: "watch splits a txn's events",
    bug: "a txn's events are sent in separate responses",
    open: opener(WatchSplitsTxn),
    mustFail: ["a txn's events arrive in one response, in op order", 'single key, prefix, from-key ("\\0") and [key, end) ranges match exactly their keys'],
  },
  {
    name: 'watches share event objects',
    bug: 'every watch gets the same event objects and bytes for a change, so one consumer changing its events changes the others',
    open: opener(WatchSharesEvents),
    groups: ['watch'],
    mustFail: ['each watch owns its events: a consumer changing the events, keys, values and prevKvs it got changes no other watch nor the store'],
  },
  {
    name: 'lease revoke uses a revision per key',
    bug: "revoking a lease deletes each attached key in its own revision",
    open: opener(RevokeRevisionPerKey),
    mustFail: ['revoke deletes every attached key in ONE revision, in key order, one DELETE event each', "an expired lease's keys are deleted in one revision, and the lease is gone"],
  },
];
