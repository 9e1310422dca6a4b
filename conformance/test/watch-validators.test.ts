/**
 * The six watch validators accept a faithful stream and catch each kind of broken one.
 */
import type { KeyValue, WatchEvent, WatchResponse } from '@tidekv/core';
import { describe, expect, it } from 'vitest';
import { validateWatch, type RecordedWatch, type WatchHistoryTruth } from '../src/mvcc/watch-validators.js';

const enc = (s: string) => new TextEncoder().encode(s);
const kv = (key: string, mod: number, create: number, version: number, value = `${key}${mod}`): KeyValue => ({
  key: enc(key),
  value: enc(value),
  createRevision: create,
  modRevision: mod,
  version,
  lease: 0,
});
const put = (key: string, mod: number, create: number, version: number): WatchEvent => ({ type: 'put', kv: kv(key, mod, create, version) });
const del = (key: string, mod: number): WatchEvent => ({ type: 'delete', kv: { key: enc(key), value: new Uint8Array(0), createRevision: 0, modRevision: mod, version: 0, lease: 0 } });

// rev 2: a1 b1 (txn) · 3: a1 · 4: c · 5: del a1, del b1 (txn) · 6: a2
const history: WatchEvent[] = [put('a1', 2, 2, 1), put('b1', 2, 2, 1), put('a1', 3, 2, 2), put('c', 4, 4, 1), del('a1', 5), del('b1', 5), put('a2', 6, 6, 1)];
const truth: WatchHistoryTruth = { events: history, compactRevision: -1 };
const resp = (revision: number, ...events: WatchEvent[]): WatchResponse => ({ events, revision });
const everything = (responses: WatchResponse[], startRevision = 2): RecordedWatch => ({ key: '\0', options: { end: '\0' }, startRevision, responses });
const properties = (watch: RecordedWatch, t = truth) => [...new Set(validateWatch(watch, t).map((v) => v.property))].sort();

describe('watch validators', () => {
  it('accept faithful streams: live, batched, with progress, prefix, filters, prevKv, compaction', () => {
    const [e0, e1, e2, e3, e4, e5, e6] = history as [WatchEvent, WatchEvent, WatchEvent, WatchEvent, WatchEvent, WatchEvent, WatchEvent];
    expect(validateWatch(everything([resp(2, e0, e1), resp(3, e2), resp(4, e3), resp(5, e4, e5), resp(6, e6)]), truth)).toEqual([]);
    expect(validateWatch(everything([resp(4, e0, e1, e2, e3), { events: [], revision: 4, progress: true }, resp(6, e4, e5, e6)]), truth)).toEqual([]);
    expect(validateWatch({ key: 'a', options: { prefix: true }, startRevision: 3, responses: [resp(3, e2), resp(5, e4), resp(6, e6)] }, truth)).toEqual([]);
    expect(validateWatch({ key: 'a', options: { prefix: true, filters: ['noput'] }, startRevision: 1, responses: [resp(5, e4)] }, truth)).toEqual([]);
    const withPrev: WatchEvent = { ...e2, prevKv: e0.kv };
    const delWithPrev: WatchEvent = { ...e4, prevKv: e2.kv };
    expect(validateWatch({ key: 'a1', options: { prevKv: true }, startRevision: 2, responses: [resp(3, e0, withPrev), resp(5, delWithPrev)] }, truth)).toEqual([]);
    // A stream stopped early is fine; so is a compaction notice for a watch behind it.
    expect(validateWatch(everything([resp(2, e0, e1)]), truth)).toEqual([]);
    expect(validateWatch(everything([resp(2, e0, e1), { events: [], revision: 6, compactRevision: 5 }]), { events: history, compactRevision: 5 })).toEqual([]);
    // A watch from exactly the compact revision gets the deletes there.
    expect(validateWatch(everything([resp(6, e4, e5, e6)], 5), { events: history, compactRevision: 5 })).toEqual([]);
  });

  it('catch a dropped event (reliable), e.g. at the catch-up/live boundary', () => {
    const [e0, e1, e2, , e4, e5, e6] = history as WatchEvent[];
    expect(properties(everything([resp(3, e0!, e1!, e2!), resp(5, e4!, e5!), resp(6, e6!)]))).toContain('reliable');
  });

  it('catch a duplicate (unique)', () => {
    const [e0, e1, e2, e3] = history as WatchEvent[];
    expect(properties(everything([resp(3, e0!, e1!, e2!), resp(4, e2!, e3!)]))).toContain('unique');
  });

  it('catch a txn split across responses (atomic)', () => {
    const [e0, e1, e2] = history as WatchEvent[];
    expect(properties(everything([resp(2, e0!), resp(3, e1!, e2!)]))).toContain('atomic');
  });

  it('catch events out of order (ordered)', () => {
    const [e0, e1, e2, e3] = history as WatchEvent[];
    expect(properties(everything([resp(2, e0!, e1!), resp(4, e3!), resp(4, e2!)]))).toContain('ordered');
    expect(properties(everything([resp(2, e1!, e0!)]))).toContain('ordered');
  });

  it('catch a stream that does not start where asked, or invents or alters events (resumable)', () => {
    const [e0, e1, e2, e3] = history as WatchEvent[];
    expect(properties(everything([resp(4, e3!)], 3))).toContain('reliable');
    expect(properties(everything([resp(2, e0!, e1!)], 3))).toContain('resumable');
    const altered: WatchEvent = { type: 'put', kv: { ...e2!.kv, value: enc('other') } };
    expect(properties(everything([resp(2, e0!, e1!), resp(3, altered)]))).toContain('resumable');
    const noise: WatchEvent = put('zz', 3, 3, 1);
    expect(properties(everything([resp(2, e0!, e1!), resp(3, e2!, noise)]))).toContain('resumable');
  });

  it('catch a bookmark before the events it covers (bookmarkable)', () => {
    const [e0, e1, e2] = history as WatchEvent[];
    expect(properties(everything([resp(2, e0!, e1!), { events: [], revision: 3, progress: true }, resp(3, e2!)]))).toContain('bookmarkable');
    expect(properties(everything([resp(3, e0!, e1!), resp(3, e2!)]))).toContain('bookmarkable');
  });

  it('catch a compaction notice for a revision that was still readable, and a silent skip past a compaction', () => {
    const [e0, e1, , , e4, e5, e6] = history as WatchEvent[];
    expect(properties(everything([resp(2, e0!, e1!), { events: [], revision: 6, compactRevision: 3 }]), { events: history, compactRevision: 3 })).toContain('reliable');
    expect(properties(everything([resp(2, e0!, e1!), resp(6, e4!, e5!, e6!)]), { events: history, compactRevision: 5 })).toContain('reliable');
  });

  it('catch a wrong or missing prevKv', () => {
    const [e0, , e2] = history as WatchEvent[];
    const wrong: WatchEvent = { ...e2!, prevKv: e2!.kv };
    expect(properties({ key: 'a1', options: { prevKv: true }, startRevision: 2, responses: [resp(3, e0!, wrong)] })).toContain('resumable');
    expect(properties({ key: 'a1', options: { prevKv: true }, startRevision: 2, responses: [resp(3, e0!, e2!)] })).toContain('resumable');
  });
});
