/**
 * A range's answer from the keys that exist at its read revision, as etcd's applier builds
 * it: count every key in the range; then (unless countOnly) drop keys outside the min/max
 * mod and create revision filters, sort, cut to `limit` (`more` says whether the filtered,
 * sorted list was longer than the limit) and blank values for keysOnly.
 *
 * Sorting follows etcd: a non-key target with order 'none' sorts ascending; keys that tie
 * on the target keep key order, in both directions (etcd's sort is an insertion sort on
 * the key-ordered list for up to 12 keys, which keeps ties in place).
 *
 * One etcd 3.4 quirk is kept on purpose (3.5 has it too; 3.6 changed it): with order 'none',
 * no filter and a limit, etcd reads only the first limit + 1 keys in key order before it
 * sorts, so a non-key target with order 'none' sorts just those keys.
 */
import type { KeyValue, SortTarget } from '@tidekv/core';
import { byteOrder } from '../support/bytes.js';
import { copyKv } from './history.js';
import type { RangeRequest } from './request.js';

export interface RangeAnswer {
  kvs: KeyValue[];
  count: number;
  more: boolean;
}

const byTarget: Record<SortTarget, (a: KeyValue, b: KeyValue) => number> = {
  key: (a, b) => byteOrder(a.key, b.key),
  version: (a, b) => a.version - b.version,
  create: (a, b) => a.createRevision - b.createRevision,
  mod: (a, b) => a.modRevision - b.modRevision,
  value: (a, b) => byteOrder(a.value, b.value),
};

/** `live`: the keys of the range that exist at the read revision, in key order. */
export function answerRange(request: RangeRequest, live: readonly KeyValue[]): RangeAnswer {
  const count = live.length;
  if (request.countOnly) return { kvs: [], count, more: false };
  const { minModRevision, maxModRevision, minCreateRevision, maxCreateRevision } = request;
  const filtered = minModRevision !== 0 || maxModRevision !== 0 || minCreateRevision !== 0 || maxCreateRevision !== 0;
  const fetched = request.order === 'none' && !filtered && request.limit > 0 ? live.slice(0, request.limit + 1) : live;
  let kvs = fetched.filter(
    (kv) =>
      (maxModRevision === 0 || kv.modRevision <= maxModRevision) &&
      (minModRevision === 0 || kv.modRevision >= minModRevision) &&
      (maxCreateRevision === 0 || kv.createRevision <= maxCreateRevision) &&
      (minCreateRevision === 0 || kv.createRevision >= minCreateRevision),
  );
  const order = request.order === 'none' && request.target !== 'key' ? 'ascend' : request.order;
  const compare = byTarget[request.target];
  // Array.prototype.sort is stable, so ties keep key order either way.
  if (order === 'ascend') kvs = [...kvs].sort(compare);
  if (order === 'descend') kvs = [...kvs].sort((a, b) => compare(b, a));
  let more = false;
  if (request.limit > 0 && kvs.length > request.limit) {
    kvs = kvs.slice(0, request.limit);
    more = true;
  }
  return {
    kvs: kvs.map((kv) => (request.keysOnly ? { ...copyKv(kv), value: new Uint8Array(0) } : copyKv(kv))),
    count,
    more,
  };
}
