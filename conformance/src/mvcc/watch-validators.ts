/**
 * etcd's six watch guarantees as a reusable checker (after etcd's tests/robustness watch
 * validation). Give it what a watch asked for, every response it delivered, and the store's
 * true history (every change, in revision and sub-revision order); it returns every
 * violation it finds, named by property:
 *
 * - ordered:      event revisions never go backwards; a response's `revision` covers its events.
 * - unique:       no (revision, key) event is delivered twice.
 * - atomic:       all of a revision's matching events arrive in one response.
 * - reliable:     no matching event inside the retained history is skipped; and a compaction
 *                 notice comes only when the next revision needed really was compacted.
 * - resumable:    the stream is exactly history from its start revision on (a watch resumed at
 *                 last revision + 1 yields exactly the rest).
 * - bookmarkable: a progress notification at R (and, as tidekv promises, any response's
 *                 revision R) comes only after every matching event <= R was delivered.
 *
 * Events are compared by type, key, revisions, version, lease and value, and by prevKv when
 * the watch asked for it (absent is allowed when the previous revision was compacted).
 */
import { compareBytes, prefixSuccessor, utf8Encode, type Bytes, type KeyValue, type WatchEvent, type WatchOptions, type WatchResponse } from '@tidekv/core';

export type WatchProperty = 'ordered' | 'unique' | 'atomic' | 'reliable' | 'resumable' | 'bookmarkable';

export interface WatchViolation {
  property: WatchProperty;
  message: string;
}

/** One recorded watch: its request, and the responses read, in order. */
export interface RecordedWatch {
  key: Bytes;
  options?: WatchOptions;
  /** The revision the watch really started from: startRevision, or current + 1 when that was 0. */
  startRevision: number;
  responses: WatchResponse[];
}

export interface WatchHistoryTruth {
  /** Every change of the store (puts with their KeyValue, deletes as `{ key, modRevision }`), in order. */
  events: WatchEvent[];
  /** The store's compact revision when the stream was read (-1 or 0: never compacted). */
  compactRevision: number;
  /**
   * False when `events` lists each revision's changes in key order rather than sub-revision
   * order (a history rebuilt from range reads cannot know it): the order inside a revision is
   * then not checked.
   */
  subRevisionOrder?: boolean;
}

const bytes = (value: Bytes): Uint8Array => (typeof value === 'string' ? utf8Encode(value) : value);

/** The key test a watch applies, by etcd's range_end convention. */
export function watchSelects(key: Bytes, options: WatchOptions = {}): (candidate: Uint8Array) => boolean {
  const start = bytes(key);
  let end: Uint8Array | undefined;
  if (options.prefix) end = prefixSuccessor(start) ?? Uint8Array.of(0);
  else if (options.end !== undefined) end = bytes(options.end);
  if (end === undefined) return (candidate) => compareBytes(candidate, start) === 0;
  if (end.length === 1 && end[0] === 0) return (candidate) => compareBytes(candidate, start) >= 0;
  const upper = end;
  return (candidate) => compareBytes(candidate, start) >= 0 && compareBytes(candidate, upper) < 0;
}

function wanted(watch: RecordedWatch): (event: WatchEvent) => boolean {
  const selects = watchSelects(watch.key, watch.options);
  const filters = watch.options?.filters ?? [];
  return (event) => {
    if (event.type === 'put' && filters.includes('noput')) return false;
    if (event.type === 'delete' && filters.includes('nodelete')) return false;
    return selects(event.kv.key);
  };
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const id = (event: WatchEvent) => `${event.kv.modRevision}/${hexOf(event.kv.key)}`;

function kvText(kv: KeyValue): string {
  return `${hexOf(kv.key)}=${hexOf(kv.value)} c${kv.createRevision} m${kv.modRevision} v${kv.version} l${kv.lease}`;
}

function sameEvent(got: WatchEvent, want: WatchEvent, prevKv: boolean, history: WatchEvent[], compactRevision: number): string | undefined {
  if (got.type !== want.type || kvText(got.kv) !== kvText(want.kv)) return `got ${got.type} ${kvText(got.kv)}, history has ${want.type} ${kvText(want.kv)}`;
  if (!prevKv) return got.prevKv === undefined ? undefined : `prevKv present though not asked for at ${id(got)}`;
  const isCreate = want.type === 'put' && want.kv.createRevision === want.kv.modRevision;
  const previous = isCreate ? undefined : previousKv(history, want);
  if (got.prevKv === undefined) {
    if (previous === undefined || previous.modRevision < compactRevision) return undefined;
    return `prevKv missing at ${id(got)}: expected ${kvText(previous)}`;
  }
  if (previous === undefined || kvText(previous) !== kvText(got.prevKv)) {
    return `prevKv at ${id(got)} is ${kvText(got.prevKv)}, expected ${previous ? kvText(previous) : 'none'}`;
  }
  return undefined;
}

function previousKv(history: WatchEvent[], event: WatchEvent): KeyValue | undefined {
  let found: KeyValue | undefined;
  for (const e of history) {
    if (e.kv.modRevision >= event.kv.modRevision) break;
    if (compareBytes(e.kv.key, event.kv.key) === 0) found = e.type === 'put' ? e.kv : undefined;
  }
  return found;
}

/** Checks one recorded watch against the six properties; [] when it keeps them all. */
export function validateWatch(watch: RecordedWatch, truth: WatchHistoryTruth): WatchViolation[] {
  const violations: WatchViolation[] = [];
  const fail = (property: WatchProperty, message: string) => {
    if (violations.filter((v) => v.property === property).length < 5) violations.push({ property, message });
  };
  const matches = wanted(watch);
  const expected = truth.events.filter((e) => e.kv.modRevision >= watch.startRevision && matches(e));
  const prevKv = watch.options?.prevKv === true;

  // Where each delivered event went.
  const delivered: { event: WatchEvent; response: number }[] = [];
  let lastRevision = 0;
  let lastResponseRevision = 0;
  const seen = new Set<string>();
  const responseOfRevision = new Map<number, number>();
  let compactNotice: { index: number; compactRevision: number } | undefined;

  watch.responses.forEach((response, index) => {
    if (compactNotice) fail('reliable', `response ${index} came after the compaction notice`);
    if (response.compactRevision !== undefined) compactNotice = { index, compactRevision: response.compactRevision };
    if (response.revision < lastResponseRevision) fail('ordered', `response ${index} revision ${response.revision} < previous ${lastResponseRevision}`);
    lastResponseRevision = Math.max(lastResponseRevision, response.revision);
    if (response.progress && response.events.length > 0) fail('bookmarkable', `progress notification ${index} carries events`);
    for (const event of response.events) {
      const rev = event.kv.modRevision;
      if (rev < lastRevision) fail('ordered', `event ${id(event)} after revision ${lastRevision}`);
      if (rev > response.revision) fail('ordered', `event ${id(event)} above its response revision ${response.revision}`);
      lastRevision = Math.max(lastRevision, rev);
      if (seen.has(id(event))) fail('unique', `event ${id(event)} delivered twice`);
      seen.add(id(event));
      const at = responseOfRevision.get(rev);
      if (at !== undefined && at !== index) fail('atomic', `revision ${rev} split across responses ${at} and ${index}`);
      responseOfRevision.set(rev, index);
      delivered.push({ event, response: index });
    }
  });

  // resumable / reliable: delivered == expected, as a prefix (the stream may stop anywhere).
  const expectedIds = expected.map(id);
  const deliveredIds = delivered.map((d) => id(d.event));
  const deliveredSet = new Set(deliveredIds);
  for (const d of delivered) {
    if (!expectedIds.includes(id(d.event))) fail('resumable', `event ${id(d.event)} is not in history from revision ${watch.startRevision} for this watch`);
  }
  const lastDelivered = delivered.at(-1)?.event.kv.modRevision ?? watch.startRevision - 1;
  const coveredThrough = Math.max(lastDelivered, ...watch.responses.filter((r) => r.compactRevision === undefined).map((r) => r.revision), watch.startRevision - 1);
  for (const e of expected) {
    if (e.kv.modRevision > coveredThrough) break;
    if (!deliveredSet.has(id(e))) {
      fail('reliable', `event ${id(e)} (${e.type}) was never delivered`);
    }
  }
  const firstMatches =
    truth.subRevisionOrder === false ? delivered[0]?.event.kv.modRevision === expected[0]?.kv.modRevision : deliveredIds[0] === expectedIds[0];
  if (delivered.length > 0 && expected.length > 0 && !firstMatches && expected[0]!.kv.modRevision >= truth.compactRevision) {
    fail('resumable', `the stream started at ${deliveredIds[0]}, history from ${watch.startRevision} starts at ${expectedIds[0]}`);
  }
  // Within a revision, events must be those of history in sub-revision order.
  let cursor = 0;
  for (const d of delivered) {
    const at = expectedIds.indexOf(id(d.event));
    if (at < 0) continue;
    const sameRevision = at < cursor && expected[cursor - 1]!.kv.modRevision === expected[at]!.kv.modRevision;
    if (at < cursor && !(sameRevision && truth.subRevisionOrder === false)) fail('ordered', `event ${id(d.event)} out of sub-revision order`);
    cursor = at + 1;
    const mismatch = sameEvent(d.event, expected[at]!, prevKv, truth.events, truth.compactRevision);
    if (mismatch) fail('resumable', mismatch);
  }
  // atomic: every delivered revision carries all of that revision's matching events.
  for (const [rev, index] of responseOfRevision) {
    const want = expected.filter((e) => e.kv.modRevision === rev).length;
    const got = watch.responses[index]!.events.filter((e) => e.kv.modRevision === rev).length;
    if (got !== want) fail('atomic', `revision ${rev} has ${want} matching events, response ${index} carries ${got}`);
  }
  // bookmarkable: at each response, every matching event <= its revision was delivered already.
  let deliveredSoFar = 0;
  watch.responses.forEach((response, index) => {
    deliveredSoFar += response.events.length;
    if (response.compactRevision !== undefined) return;
    const owed = expected.filter((e) => e.kv.modRevision <= response.revision).length;
    if (owed > deliveredSoFar) {
      fail('bookmarkable', `${response.progress ? 'progress notification' : 'response'} ${index} at revision ${response.revision} came before ${owed - deliveredSoFar} earlier event(s)`);
    }
    if (response.progress && response.revision < watch.startRevision && watch.options?.startRevision) {
      fail('bookmarkable', `progress notification ${index} at ${response.revision} before the start revision ${watch.startRevision}`);
    }
  });
  // A compaction notice is legitimate only when the next revision needed was compacted.
  if (compactNotice) {
    const next = Math.max(lastDelivered, ...watch.responses.slice(0, compactNotice.index).map((r) => r.revision)) + 1;
    const needed = Math.max(next, watch.startRevision);
    if (needed >= compactNotice.compactRevision) {
      fail('reliable', `compaction notice at ${compactNotice.compactRevision} though revision ${needed} was still readable`);
    }
  }
  return violations;
}

/** Throws an Error listing every violation (for tests); returns quietly when there is none. */
export function assertWatchValid(watch: RecordedWatch, truth: WatchHistoryTruth): void {
  const violations = validateWatch(watch, truth);
  if (violations.length === 0) return;
  throw new Error(`watch on ${hexOf(bytes(watch.key))} from ${watch.startRevision} breaks etcd's watch guarantees:\n${violations.map((v) => `  ${v.property}: ${v.message}`).join('\n')}`);
}
