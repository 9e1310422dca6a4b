/**
 * Deliberately broken KV stores, each the reference KV with one realistic bug (the ones the
 * reference's "where the origin design diverges" list and etcd's own fixes warn about). The
 * MVCC meta-tests prove describeMvcc rejects every one of them.
 */
import type { KeyValue } from '@tidekv/core';
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
];
