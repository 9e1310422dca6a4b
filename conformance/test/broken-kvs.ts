/**
 * Deliberately broken KV stores, each the reference KV with one realistic bug (the ones the
 * reference's "where the origin design diverges" list and etcd's own fixes warn about). The
 * MVCC meta-tests prove describeMvcc rejects every one of them.
 */
import type { Bytes, KeyValue, WatchOptions, WatchResponse, WatchStream } from '@tidekv/core';
import { ReferenceKV, openReferenceKV, type MvccLocation } from '../src/index.js';
import { Commit } from '../src/mvcc/commit.js';
import type { History } from '../src/mvcc/history.js';
import { answerRange, type RangeAnswer } from '../src/mvcc/range-read.js';
import type { CompareRequest, DeleteRangeRequest, RangeRequest, TxnRequest } from '../src/mvcc/request.js';
import { checkTxn } from '../src/mvcc/txn-rules.js';

export interface BrokenKV {
  name: string;
  bug: string;
  open: (location: MvccLocation) => Promise<ReferenceKV>;
  /** Cases that must be among the failures. */
  mustFail: string[];
}

/** Opens a subclass of ReferenceKV, persisted in the test's directory like the real model. */
function opener(Broken: { prototype: ReferenceKV }) {
  return async ({ dir }: MvccLocation) => {
    const base = await openReferenceKV({ dir });
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

/** A revoke that deletes its keys one revision each (the origin design's bug). */
class RevokeRevisionPerKey extends ReferenceKV {
  protected override revokeLeaseKeys(id: number): number {
    // The reference commits synchronously inside deleteRange, so each key gets its own revision here.
    for (const key of this.attachedKeys(id)) void this.deleteRange(key);
    return this.revision;
  }
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
    ],
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
    name: 'lease revoke uses a revision per key',
    bug: "revoking a lease deletes each attached key in its own revision",
    open: opener(RevokeRevisionPerKey),
    mustFail: ['revoke deletes every attached key in ONE revision, in key order, one DELETE event each', "an expired lease's keys are deleted in one revision, and the lease is gone"],
  },
];
