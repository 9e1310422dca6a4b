/**
 * The watcher group against a small fake history: live delivery, catch-up and the join to
 * live, ranges and filters, prevKv, compaction, slow consumers, progress and cancellation.
 */
import { describe, expect, it } from 'vitest';
import type { WatchOptions, WatchResponse, WatchStream } from '../src/mvcc/kv.js';
import { ManualClock } from '../src/mvcc/clock.js';
import { parseWatch } from '../src/mvcc/watch.js';
import type { Watcher } from '../src/mvcc/watcher.js';
import { brief, FakeHistory, text } from './fixtures/fake-history.js';
import { takeEvents as takeWatchEvents } from './fixtures/mvcc-helpers.js';

function open(history: FakeHistory, key: string, options: WatchOptions = {}): WatchStream {
  return history.group.watch(parseWatch(key, options));
}

/** Reads `n` responses. */
async function take(stream: WatchStream, n: number): Promise<WatchResponse[]> {
  const out: WatchResponse[] = [];
  while (out.length < n) {
    const next = await stream.next();
    if (next.done) throw new Error(`stream ended after ${out.length} responses`);
    out.push(next.value);
  }
  return out;
}

/** Reads responses until `count` events arrived; the events as brief() strings. */
async function takeEvents(stream: WatchStream, count: number): Promise<{ events: string[]; responses: WatchResponse[] }> {
  const { events, responses } = await takeWatchEvents(stream, count);
  return { events: events.map(brief), responses };
}

/** True when the stream has nothing to deliver right now. */
async function idle(stream: WatchStream): Promise<boolean> {
  const marker = Symbol('idle');
  const next = stream.next();
  const result = await Promise.race([next, new Promise((resolve) => setTimeout(() => resolve(marker), 20))]);
  if (result !== marker) throw new Error(`unexpected response ${JSON.stringify(result)}`);
  return true;
}

describe('watch: live', () => {
  it('a watch from 0 sees the next revisions in order, one response per revision at most', async () => {
    const h = new FakeHistory();
    h.commit({ type: 'put', key: 'a' });
    const w = open(h, 'a');
    h.commit({ type: 'put', key: 'a' });
    h.commit({ type: 'put', key: 'b' });
    h.commit({ type: 'delete', key: 'a' });
    const { events, responses } = await takeEvents(w, 2);
    expect(events).toEqual(['put a@3', 'delete a@5']);
    expect(responses.at(-1)!.revision).toBe(5);
    const del = responses.at(-1)!.events.at(-1)!;
    expect(del.kv).toEqual({ key: new TextEncoder().encode('a'), value: new Uint8Array(0), createRevision: 0, modRevision: 5, version: 0, lease: 0 });
  });

  it('a txn of many events arrives in one response, whatever the response limit', async () => {
    const h = new FakeHistory({ maxResponseEvents: 2 });
    const w = open(h, 'k', { prefix: true });
    h.commit(...Array.from({ length: 7 }, (_, i) => ({ type: 'put' as const, key: `k${i}` })));
    h.commit({ type: 'put', key: 'k0' }, { type: 'put', key: 'k1' });
    const [first, second] = await take(w, 2);
    expect(first!.events).toHaveLength(7);
    expect(first!.revision).toBe(2);
    expect(second!.events.map(brief)).toEqual(['put k0@3', 'put k1@3']);
  });

  it('a future watch waits for its start revision', async () => {
    const h = new FakeHistory();
    const w = open(h, 'a', { startRevision: 4 });
    h.commit({ type: 'put', key: 'a' });
    h.commit({ type: 'put', key: 'a' });
    h.commit({ type: 'put', key: 'a' });
    expect((await takeEvents(w, 1)).events).toEqual(['put a@4']);
  });
});

describe('watch: ranges and filters', () => {
  const keys = ['a', 'ab', 'abc', 'b', 'b\u00ff', 'c', '\u00ff'];
  const cases: [string, string, WatchOptions, string[]][] = [
    ['single key', 'ab', {}, ['ab']],
    ['prefix', 'a', { prefix: true }, ['a', 'ab', 'abc']],
    ['[ab, b)', 'ab', { end: 'b' }, ['ab', 'abc']],
    ['from-key', 'b', { end: '\0' }, ['b', 'b\u00ff', 'c', '\u00ff']],
    ['every key', '\0', { end: '\0' }, keys],
  ];
  for (const [name, key, options, want] of cases) {
    it(name, async () => {
      const h = new FakeHistory();
      const w = open(h, key, options);
      for (const k of keys) h.commit({ type: 'put', key: k });
      const got = (await takeEvents(w, want.length)).events.map((e) => e.split(' ')[1]!.split('@')[0]);
      expect(got).toEqual(want);
      expect(await idle(w)).toBe(true);
    });
  }

  it('a Buffer key is never changed by a prefix watch (its successor is a copy)', () => {
    const key = Buffer.from([0x61, 0xff]);
    const spec = parseWatch(key, { prefix: true });
    expect([...key]).toEqual([0x61, 0xff]);
    expect([...spec.key]).toEqual([0x61, 0xff]);
    expect([...spec.end!]).toEqual([0x62]);
  });

  it('noput and nodelete drop events, and a revision with nothing left sends nothing', async () => {
    const h = new FakeHistory();
    const noPut = open(h, 'a', { prefix: true, filters: ['noput'] });
    const noDelete = open(h, 'a', { prefix: true, filters: ['nodelete'] });
    h.commit({ type: 'put', key: 'a1' });
    h.commit({ type: 'delete', key: 'a1' });
    h.commit({ type: 'put', key: 'a2' });
    const [onlyDeletes] = await take(noPut, 1);
    expect(onlyDeletes!.events.map(brief)).toEqual(['delete a1@3']);
    expect(onlyDeletes!.revision).toBe(3);
    expect((await takeEvents(noDelete, 2)).events).toEqual(['put a1@2', 'put a2@4']);
    expect(await idle(noPut)).toBe(true);
  });

  it('bad watch input throws typed errors', () => {
    const bad: [unknown, unknown, string][] = [
      ['', {}, 'INVALID_KEY'],
      [42, {}, 'INVALID_KEY'],
      ['b', { end: 'a' }, 'INVALID_RANGE'],
      ['b', { end: 'b' }, 'INVALID_RANGE'],
      ['b', { end: 'c', prefix: true }, 'INVALID_ARGUMENT'],
      ['b', { startRevision: -1 }, 'INVALID_ARGUMENT'],
      ['b', { startRevision: 1.5 }, 'INVALID_ARGUMENT'],
      ['b', { startRevision: 2 ** 53 }, 'INVALID_ARGUMENT'],
      ['b', { filters: ['noputs'] }, 'INVALID_ARGUMENT'],
      ['b', { filters: 'noput' }, 'INVALID_ARGUMENT'],
      ['b', { prevKv: 1 }, 'INVALID_ARGUMENT'],
      ['b', { signal: {} }, 'INVALID_ARGUMENT'],
      ['b', { revision: 3 }, 'INVALID_OPTION'],
      ['b', null, 'INVALID_OPTION'],
    ];
    for (const [key, options, code] of bad) {
      expect(() => parseWatch(key as string, options as WatchOptions), JSON.stringify([key, options])).toThrow(expect.objectContaining({ code }));
    }
  });
});

describe('watch: prevKv', () => {
  it('carries the previous value of updates and deletes, none for creates', async () => {
    const h = new FakeHistory();
    const w = open(h, 'a', { prevKv: true });
    const plain = open(h, 'a');
    h.commit({ type: 'put', key: 'a', value: 'v1' });
    h.commit({ type: 'put', key: 'a', value: 'v2' });
    h.commit({ type: 'delete', key: 'a' });
    expect((await takeEvents(w, 3)).events).toEqual(['put a@2', 'put a@3 prev=v1@2', 'delete a@4 prev=v2@3']);
    expect((await takeEvents(plain, 3)).events).toEqual(['put a@2', 'put a@3', 'delete a@4']);
  });

  it('is silently absent when the previous revision was compacted', async () => {
    const h = new FakeHistory();
    h.commit({ type: 'put', key: 'a', value: 'v1' });
    h.commit({ type: 'put', key: 'b' });
    h.commit({ type: 'put', key: 'a', value: 'v2' });
    h.compact(4);
    const w = open(h, 'a', { prevKv: true, startRevision: 4 });
    expect((await takeEvents(w, 1)).events).toEqual(['put a@4']);
  });
});

describe('watch: catch-up from history', () => {
  it('starts in the past, reads history in bounded batches and joins live with no gap and no duplicate', async () => {
    const h = new FakeHistory({ catchUpBatchEvents: 3 });
    for (let i = 0; i < 20; i++) h.commit({ type: 'put', key: `k${i % 4}` });
    const w = open(h, 'k', { prefix: true, startRevision: 5 });
    // Commits land while each batch is being read.
    let n = 0;
    h.duringRead = () => {
      if (n++ < 6) h.commit({ type: 'put', key: `k${n % 4}` });
    };
    const want = 21 - 5 + 1 + 6;
    const { events, responses } = await takeEvents(w, want);
    const revisions = events.map((e) => Number(e.split('@')[1]));
    expect(revisions).toEqual(Array.from({ length: want }, (_, i) => 5 + i));
    expect(responses.every((r) => r.events.length <= 3)).toBe(true);
    expect(h.reads).toBeGreaterThan(5);
    // Now live: the next commit arrives without another history read.
    const reads = h.reads;
    h.duringRead = undefined;
    h.commit({ type: 'put', key: 'k9' });
    expect((await takeEvents(w, 1)).events).toEqual([`put k9@${h.revision}`]);
    expect(h.reads).toBe(reads);
  });

  it('a catch-up batch never splits a revision, and its response revision covers the whole batch', async () => {
    const h = new FakeHistory({ catchUpBatchEvents: 2 });
    h.commit(...Array.from({ length: 5 }, (_, i) => ({ type: 'put' as const, key: `a${i}` })));
    h.commit({ type: 'put', key: 'zz' });
    h.commit({ type: 'put', key: 'zz' });
    h.commit({ type: 'put', key: 'a0' });
    const w = open(h, 'a', { prefix: true, startRevision: 1 });
    const [first, second] = await take(w, 2);
    expect(first!.events.map((e) => e.kv.modRevision)).toEqual([2, 2, 2, 2, 2]);
    expect(first!.revision).toBe(2);
    expect(second!.events.map(brief)).toEqual(['put a0@5']);
  });

  it('reads the next batch while the consumer takes this one; a failed read-ahead fails the stream after the batches before it', async () => {
    const h = new FakeHistory({ catchUpBatchEvents: 2 });
    for (let i = 0; i < 10; i++) h.commit({ type: 'put', key: 'a' });
    const w = open(h, 'a', { startRevision: 2 });
    const [first] = await take(w, 1);
    expect(first!.events.map(brief)).toEqual(['put a@2', 'put a@3']);
    expect(h.reads).toBe(2);
    h.duringRead = () => {
      throw Object.assign(new Error('disk on fire'), { code: 'IO_ERROR' });
    };
    // The batch for 4..5 was read before the failure; the one for 6..7 failed while read ahead.
    expect((await take(w, 1))[0]!.events.map(brief)).toEqual(['put a@4', 'put a@5']);
    await expect(w.next()).rejects.toThrow('disk on fire');
    expect((await w.next()).done).toBe(true);
    expect(h.group.size).toBe(0);
  });

  it('a watch from exactly the compact revision still gets the DELETE at it', async () => {
    const h = new FakeHistory();
    h.commit({ type: 'put', key: 'a' });
    h.commit({ type: 'delete', key: 'a' });
    h.commit({ type: 'put', key: 'b' });
    h.compact(3);
    const w = open(h, 'a', { startRevision: 3, prevKv: true });
    expect((await takeEvents(w, 1)).events).toEqual(['delete a@3']);
  });
});

describe('watch: compaction', () => {
  it('a start below the compact revision gets compactRevision, then the stream ends', async () => {
    const h = new FakeHistory();
    for (let i = 0; i < 5; i++) h.commit({ type: 'put', key: 'a' });
    h.compact(4);
    const w = open(h, 'a', { startRevision: 3 });
    const [notice] = await take(w, 1);
    expect(notice).toEqual({ events: [], revision: 6, compactRevision: 4 });
    expect(await w.next()).toEqual({ done: true, value: undefined });
    expect(h.group.size).toBe(0);
  });

  it('a compaction during a catch-up read is reported, never skipped', async () => {
    const h = new FakeHistory({ catchUpBatchEvents: 2 });
    for (let i = 0; i < 10; i++) h.commit({ type: 'put', key: 'a' });
    const w = open(h, 'a', { startRevision: 2 });
    const [first] = await take(w, 1);
    expect(first!.events.map(brief)).toEqual(['put a@2', 'put a@3']);
    h.duringRead = () => h.compact(8);
    // A batch read before the compaction began (read ahead) may still arrive, in order; then the notice.
    const after: string[] = [];
    let next = await w.next();
    while (!next.done && next.value.compactRevision === undefined) {
      after.push(...next.value.events.map(brief));
      next = await w.next();
    }
    expect(after).toEqual(['put a@4', 'put a@5', 'put a@6', 'put a@7'].slice(0, after.length));
    expect(next.value).toEqual({ events: [], revision: 11, compactRevision: 8 });
    expect((await w.next()).done).toBe(true);
  });

  it('a slow watcher whose missed revisions get compacted is told so after what it had queued', async () => {
    const h = new FakeHistory({ maxQueuedEvents: 2 });
    const w = open(h, 'a');
    for (let i = 0; i < 6; i++) h.commit({ type: 'put', key: 'a' });
    h.compact(6);
    const responses = await take(w, 2);
    expect(responses[0]!.events.map(brief)).toEqual(['put a@2', 'put a@3']);
    expect(responses[1]).toEqual({ events: [], revision: 7, compactRevision: 6 });
    expect((await w.next()).done).toBe(true);
  });
});

describe('watch: slow consumers', () => {
  it('a watcher that stops reading holds a bounded queue, blocks no writer and later loses nothing', async () => {
    const h = new FakeHistory({ maxQueuedEvents: 8, catchUpBatchEvents: 50 });
    const slow = open(h, 'k', { prefix: true });
    const fast = open(h, 'k', { prefix: true });
    let fastSeen = 0;
    for (let i = 0; i < 500; i++) {
      h.commit({ type: 'put', key: `k${i % 7}` }, { type: 'put', key: `k${(i + 3) % 7}` });
      if (i % 50 === 49) fastSeen += (await takeEvents(fast, 100)).events.length;
      expect((slow as unknown as { queued: number }).queued).toBeLessThanOrEqual(8);
    }
    expect(fastSeen).toBe(1000);
    const { events, responses } = await takeEvents(slow, 1000);
    expect(events.map((e) => Number(e.split('@')[1]))).toEqual(Array.from({ length: 1000 }, (_, i) => 2 + Math.floor(i / 2)));
    for (const r of responses) expect(r.events.length % 2).toBe(0);
    // Back to live.
    h.commit({ type: 'put', key: 'k1' });
    expect((await takeEvents(slow, 1)).events).toEqual([`put k1@${h.revision}`]);
  });

  it('a revision larger than the queue bound is still delivered whole', async () => {
    const h = new FakeHistory({ maxQueuedEvents: 2, maxResponseEvents: 2 });
    const w = open(h, 'k', { prefix: true });
    h.commit(...Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: `k${i}` })));
    h.commit(...Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: `k${i}` })));
    const [a, b] = await take(w, 2);
    expect(a!.events).toHaveLength(10);
    expect(b!.events).toHaveLength(10);
    expect(b!.revision).toBe(3);
  });
});

describe('watch: progress', () => {
  it('requestProgress on a caught-up watch is a bookmark at the current revision', async () => {
    const h = new FakeHistory();
    const w = open(h, 'a');
    h.commit({ type: 'put', key: 'zzz' });
    w.requestProgress();
    expect(await take(w, 1)).toEqual([{ events: [], revision: 2, progress: true }]);
  });

  it('a progress request during catch-up is answered only once everything up to it was delivered', async () => {
    const h = new FakeHistory({ catchUpBatchEvents: 1 });
    for (let i = 0; i < 4; i++) h.commit({ type: 'put', key: 'a' });
    const w = open(h, 'a', { startRevision: 2 });
    w.requestProgress();
    const responses = await take(w, 4);
    expect(responses.map((r) => (r.progress ? `progress@${r.revision}` : r.events.map(brief).join()))).toEqual([
      'put a@2',
      'put a@3',
      'put a@4',
      'put a@5',
    ]);
    expect(await take(w, 1)).toEqual([{ events: [], revision: 5, progress: true }]);
  });

  it('a future watch gets no bookmark before its start revision', async () => {
    const h = new FakeHistory();
    const w = open(h, 'a', { startRevision: 4 });
    w.requestProgress();
    h.commit({ type: 'put', key: 'b' });
    h.commit({ type: 'put', key: 'b' });
    h.commit({ type: 'put', key: 'b' });
    expect(await take(w, 1)).toEqual([{ events: [], revision: 4, progress: true }]);
  });

  it('periodic progress goes to idle caught-up watches that asked for it', async () => {
    const h = new FakeHistory();
    const notify = open(h, 'a', { progressNotify: true });
    const busy = open(h, 'b', { progressNotify: true });
    const silent = open(h, 'a');
    h.commit({ type: 'put', key: 'b' });
    h.group.progressTick();
    expect(await take(notify, 1)).toEqual([{ events: [], revision: 2, progress: true }]);
    expect((await take(busy, 1))[0]!.events.map(brief)).toEqual(['put b@2']);
    expect(await idle(busy)).toBe(true);
    expect(await idle(silent)).toBe(true);
  });

  it('periodic progress runs on the injectable clock, one timer while someone asked for it', async () => {
    const clock = new ManualClock();
    const h = new FakeHistory({ clock, progressIntervalMs: 1000 });
    const silent = open(h, 'a') as Watcher;
    expect(clock.pending).toBe(0);
    const w = open(h, 'a', { progressNotify: true }) as Watcher;
    const other = open(h, 'b', { progressNotify: true }) as Watcher;
    expect(clock.pending).toBe(1);
    h.commit({ type: 'put', key: 'zzz' });
    clock.advance(999);
    expect(w.queued).toBe(0);
    clock.advance(1);
    expect(await take(w, 1)).toEqual([{ events: [], revision: 2, progress: true }]);
    expect(await take(other, 1)).toEqual([{ events: [], revision: 2, progress: true }]);
    // A period in which the watch received events sends no bookmark; the next idle one does.
    h.commit({ type: 'put', key: 'a' });
    clock.advance(1000);
    expect((await take(w, 1))[0]!.events.map(brief)).toEqual(['put a@3']);
    expect(w.queued).toBe(0);
    clock.advance(1000);
    expect(await take(w, 1)).toEqual([{ events: [], revision: 3, progress: true }]);
    expect(clock.pending).toBe(1);
    w.cancel();
    expect(clock.pending).toBe(1);
    other.cancel();
    expect(clock.pending).toBe(0);
    clock.advance(5000);
    expect((await take(silent, 1))[0]!.events.map(brief)).toEqual(['put a@3']);
    expect(silent.queued).toBe(0);
    const again = open(h, 'a', { progressNotify: true });
    expect(clock.pending).toBe(1);
    h.group.close();
    expect(clock.pending).toBe(0);
    expect((await again.next()).done).toBe(true);
  });
});

describe('watch: ending', () => {
  it('return(), cancel() and an abort signal end the stream and release the watcher', async () => {
    const h = new FakeHistory();
    const controller = new AbortController();
    const a = open(h, 'a');
    const b = open(h, 'a');
    const c = open(h, 'a', { signal: controller.signal });
    expect(h.group.size).toBe(3);
    const pending = c.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await a.return()).toEqual({ done: true, value: undefined });
    b.cancel();
    b.cancel();
    expect((await b.next()).done).toBe(true);
    expect(h.group.size).toBe(0);
    h.commit({ type: 'put', key: 'a' });
    const aborted = open(h, 'a', { signal: AbortSignal.abort() });
    expect((await aborted.next()).done).toBe(true);
    expect(h.group.size).toBe(0);
  });

  it('for await ends when the loop breaks, and close() ends every watcher', async () => {
    const h = new FakeHistory();
    const w = open(h, 'a');
    const other = open(h, 'b');
    h.commit({ type: 'put', key: 'a' });
    for await (const response of w) {
      expect(response.events.map(brief)).toEqual(['put a@2']);
      break;
    }
    expect(h.group.size).toBe(1);
    const pending = other.next();
    h.group.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(h.group.size).toBe(0);
    expect(() => open(h, 'a')).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it('a failed history read fails the stream and ends it', async () => {
    const h = new FakeHistory();
    h.commit({ type: 'put', key: 'a' });
    h.duringRead = () => {
      throw Object.assign(new Error('disk on fire'), { code: 'IO_ERROR' });
    };
    const w = open(h, 'a', { startRevision: 2 });
    await expect(w.next()).rejects.toThrow('disk on fire');
    expect((await w.next()).done).toBe(true);
    expect(h.group.size).toBe(0);
  });
});

describe('watch: fixture sanity', () => {
  it('text() decodes', () => expect(text(new TextEncoder().encode('x'))).toBe('x'));
});
