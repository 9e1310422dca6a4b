/**
 * One commit of the reference model in progress: the changes of one put, deleteRange or
 * txn, all at main revision `main` with sub-revisions 0, 1, 2... in op order. It works on a
 * copy of the history, so a commit that fails part-way leaves the store untouched, and
 * reads inside it (a txn's range, a put's prevKv) see its own earlier changes.
 */
import { TidekvError, type KeyValue } from '@tidekv/core';
import { copyKv, tombstoneKv, type History } from './history.js';
import type { RangeAnswer } from './range-read.js';
import type { DeleteRangeRequest, PutRequest, RangeRequest } from './request.js';

export class Commit {
  #sub = 0;

  constructor(
    readonly history: History,
    readonly main: number,
    /** Builds a range's answer from the keys that exist at its read revision (range-read.ts). */
    readonly answer: (request: RangeRequest, live: readonly KeyValue[]) => RangeAnswer,
  ) {}

  /** Whether the commit changed anything (so it uses revision `main`). */
  get changed(): boolean {
    return this.#sub > 0;
  }

  /** Returns the key's previous state, if it existed. */
  put(op: PutRequest): KeyValue | undefined {
    const prev = this.history.get(op.key, this.main);
    if ((op.ignoreValue || op.ignoreLease) && prev === undefined) {
      throw new TidekvError('KEY_NOT_FOUND', 'ignoreValue / ignoreLease need the key to exist');
    }
    this.history.append({
      main: this.main,
      sub: this.#sub++,
      tombstone: false,
      kv: {
        key: op.key,
        value: op.ignoreValue ? prev!.value : op.value,
        createRevision: prev ? prev.createRevision : this.main,
        modRevision: this.main,
        version: (prev?.version ?? 0) + 1,
        lease: op.ignoreLease ? prev!.lease : op.lease,
      },
    });
    return prev && copyKv(prev);
  }

  /** One tombstone per existing key, in key order. Returns the deleted keys' last states. */
  deleteRange(op: DeleteRangeRequest): KeyValue[] {
    const live = this.history.liveAt(this.main, op.selection);
    for (const kv of live) this.history.append({ main: this.main, sub: this.#sub++, tombstone: true, kv: tombstoneKv(kv.key) });
    return live.map(copyKv);
  }

  /** A read inside the commit: at `op.revision` when set, else at the commit's own state. */
  range(op: RangeRequest): RangeAnswer {
    return this.answer(op, this.history.liveAt(op.revision || this.main, op.selection));
  }
}
