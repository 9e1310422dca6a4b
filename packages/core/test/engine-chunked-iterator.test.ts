import { describe, expect, it } from 'vitest';
import { ChunkedIterator, Lifecycle, TidekvError, type Entry } from '../src/index.js';

const entry = (i: number): Entry => [Uint8Array.of(i), Uint8Array.of(i * 2)];

/** A real in-memory source that records how it was called. */
function source(count: number, options: { async?: boolean } = {}) {
  let next = 0;
  const reads: number[] = [];
  let releases = 0;
  return {
    reads,
    get releases() {
      return releases;
    },
    read(max: number) {
      reads.push(max);
      const out: Entry[] = [];
      while (out.length < max && next < count) out.push(entry(next++));
      return options.async ? new Promise<Entry[]>((r) => setImmediate(() => r(out))) : out;
    },
    release() {
      releases++;
    },
  };
}

const keys = (entries: Entry[]) => entries.map(([k]) => k[0]);
async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TidekvError);
    return (error as TidekvError).code;
  }
  return undefined;
}

describe('ChunkedIterator', () => {
  it('yields every entry in order through next(), in chunks', async () => {
    const src = source(10);
    const it = new ChunkedIterator(src, { chunkSize: 4 });
    const seen: number[] = [];
    for (let e = await it.next(); e; e = await it.next()) seen.push(e[0][0]!);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(src.reads.slice(0, 3)).toEqual([4, 4, 4]);
    await it.close();
    expect(src.releases).toBe(1);
  });

  it('nextv returns at most n and an empty array at the end', async () => {
    const it = new ChunkedIterator(source(5, { async: true }));
    expect(keys(await it.nextv(3))).toEqual([0, 1, 2]);
    expect(keys(await it.nextv(3))).toEqual([3, 4]);
    expect(await it.nextv(3)).toEqual([]);
    await it.close();
  });

  it('mixes next and nextv without losing buffered entries', async () => {
    const it = new ChunkedIterator(source(6), { chunkSize: 4 });
    expect((await it.next())![0][0]).toBe(0);
    expect(keys(await it.nextv(10))).toEqual([1, 2, 3]);
    expect(keys(await it.nextv(10))).toEqual([4, 5]);
    await it.close();
  });

  it('applies the limit and never asks the source for more than it needs', async () => {
    const src = source(100);
    const it = new ChunkedIterator(src, { limit: 5, chunkSize: 64 });
    expect(keys(await it.all())).toEqual([0, 1, 2, 3, 4]);
    expect(src.reads).toEqual([5]);
    expect(it.closed).toBe(true);
  });

  it('limit 0 never reads', async () => {
    const src = source(3);
    const it = new ChunkedIterator(src, { limit: 0 });
    expect(await it.all()).toEqual([]);
    expect(src.reads).toEqual([]);
  });

  it('reads a synchronous source at once when idle, and releases it at once on close', async () => {
    const src = source(5);
    const it = new ChunkedIterator(src, { limit: 1 });
    const pending = it.nextv(1);
    expect(src.reads).toEqual([1]); // no promise hop before the read
    const closing = it.close();
    expect(src.releases).toBe(1);
    expect(keys(await pending)).toEqual([0]);
    await closing;
  });

  it('turns a throw from a synchronous source into a rejection, and stays usable for close', async () => {
    let releases = 0;
    const it = new ChunkedIterator({
      read: () => {
        throw new Error('bad block');
      },
      release: () => void releases++,
    });
    const result = it.next(); // must not throw synchronously
    await expect(result).rejects.toThrow('bad block');
    await it.close();
    expect(releases).toBe(1);
  });

  it('mixes a synchronous first read with queued calls in order', async () => {
    const it = new ChunkedIterator(source(6, { async: true }), { chunkSize: 2 });
    const calls = [it.next(), it.nextv(3), it.next(), it.nextv(5)];
    const [a, b, c, d] = await Promise.all(calls);
    expect((a as Entry)[0][0]).toBe(0);
    expect(keys(b as Entry[])).toEqual([1]);
    expect((c as Entry)[0][0]).toBe(2);
    expect(keys(d as Entry[])).toEqual([3]);
    await it.close();
  });

  it('keeps concurrent next() calls in order', async () => {
    const it = new ChunkedIterator(source(20, { async: true }), { chunkSize: 3 });
    const results = await Promise.all(Array.from({ length: 21 }, () => it.next()));
    expect(results.slice(0, 20).map((e) => e![0][0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results[20]).toBeUndefined();
    await it.close();
  });

  it('close is idempotent; use after close fails ITERATOR_CLOSED', async () => {
    const src = source(3);
    const it = new ChunkedIterator(src);
    await it.next();
    await Promise.all([it.close(), it.close()]);
    await it.close();
    expect(src.releases).toBe(1);
    expect(await codeOf(it.next())).toBe('ITERATOR_CLOSED');
    expect(await codeOf(it.nextv(2))).toBe('ITERATOR_CLOSED');
  });

  it('validates nextv sizes', async () => {
    const it = new ChunkedIterator(source(3));
    for (const bad of [0, -1, 1.5, Number.NaN, '2']) {
      expect(await codeOf(it.nextv(bad as number))).toBe('INVALID_ARGUMENT');
    }
    await it.close();
  });

  it('for await closes the iterator on break', async () => {
    const src = source(50);
    const it = new ChunkedIterator(src, { chunkSize: 8 });
    const seen: number[] = [];
    for await (const [k] of it) {
      seen.push(k[0]!);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(it.closed).toBe(true);
    expect(src.releases).toBe(1);
  });

  it('for await reads everything across chunks and closes at the end', async () => {
    const src = source(700, { async: true });
    const it = new ChunkedIterator(src, { chunkSize: 64 });
    let count = 0;
    let last = -1;
    for await (const [k] of it) {
      expect(k[0]).toBe((last + 1) & 0xff);
      last = k[0]!;
      count++;
    }
    expect(count).toBe(700);
    expect(it.closed).toBe(true);
    expect(src.releases).toBe(1);
  });

  it('for await closes the iterator when a read fails, and rethrows', async () => {
    let releases = 0;
    let reads = 0;
    const it = new ChunkedIterator(
      {
        read: () => {
          if (reads++ > 0) throw new Error('disk on fire');
          return [entry(1), entry(2)];
        },
        release: () => void releases++,
      },
      { chunkSize: 2 },
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const [k] of it) seen.push(k[0]!);
      })(),
    ).rejects.toThrow('disk on fire');
    expect(seen).toEqual([1, 2]);
    expect(it.closed).toBe(true);
    expect(releases).toBe(1);
  });

  it('Symbol.asyncDispose closes it', async () => {
    const src = source(5);
    {
      await using it = new ChunkedIterator(src);
      await it.next();
    }
    expect(src.releases).toBe(1);
  });

  it('an AbortSignal rejects later reads with ABORTED and releases the source', async () => {
    const controller = new AbortController();
    const src = source(10, { async: true });
    const it = new ChunkedIterator(src, { signal: controller.signal, chunkSize: 2 });
    await it.next();
    controller.abort();
    expect(await codeOf(it.next())).toBe('ABORTED');
    await it.close();
    expect(src.releases).toBe(1);
  });

  it('an already-aborted signal fails the first read', async () => {
    const it = new ChunkedIterator(source(3), { signal: AbortSignal.abort() });
    expect(await codeOf(it.next())).toBe('ABORTED');
  });

  it('rejects a signal that is not an AbortSignal', () => {
    expect(() => new ChunkedIterator(source(1), { signal: {} as AbortSignal })).toThrow(TidekvError);
  });

  it('reports NOT_OPEN once its owner is closed', async () => {
    const lifecycle = new Lifecycle();
    const src = source(10);
    const it = new ChunkedIterator(src, { assertOpen: () => lifecycle.assertOpen(), onClose: () => lifecycle.untrack(it) });
    lifecycle.track(it);
    await it.next();
    await lifecycle.close(() => undefined);
    expect(it.closed).toBe(true);
    expect(src.releases).toBe(1);
    expect(await codeOf(it.next())).toBe('NOT_OPEN');
  });

  it('waits for a read in flight before releasing', async () => {
    const order: string[] = [];
    let resolveRead!: (entries: Entry[]) => void;
    const it = new ChunkedIterator({
      read: () => {
        order.push('read');
        return new Promise<Entry[]>((r) => (resolveRead = r));
      },
      release: () => void order.push('release'),
    });
    const pending = it.next();
    await new Promise((r) => setImmediate(r));
    const closing = it.close();
    resolveRead([entry(1)]);
    expect(await codeOf(pending)).toBe('ITERATOR_CLOSED');
    await closing;
    expect(order).toEqual(['read', 'release']);
  });
});

describe('Lifecycle', () => {
  it('close runs release once and rejects later use with NOT_OPEN', async () => {
    const lifecycle = new Lifecycle('engine');
    let releases = 0;
    await Promise.all([lifecycle.close(() => void releases++), lifecycle.close(() => void releases++)]);
    expect(releases).toBe(1);
    expect(lifecycle.isOpen).toBe(false);
    expect(() => lifecycle.assertOpen()).toThrow(/closed/);
    expect(lifecycle.closedError().code).toBe('NOT_OPEN');
  });

  it('iterator() binds a ChunkedIterator to its owner, and refuses once the owner is closed', async () => {
    const lifecycle = new Lifecycle('snapshot');
    const src = source(10);
    const it = lifecycle.iterator(src, { limit: 3 });
    expect(keys(await it.nextv(10))).toEqual([0, 1, 2]);
    const early = lifecycle.iterator(source(1));
    await early.close(); // an iterator closed by its user is no longer tracked
    await lifecycle.close(() => undefined);
    expect(it.closed).toBe(true);
    expect(src.releases).toBe(1);
    expect(await codeOf(it.next())).toBe('NOT_OPEN');
    expect(() => lifecycle.iterator(source(1))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it('closing the owner closes exactly the iterators still open, however many and in whatever order the others closed', async () => {
    // 100 iterators: more than the owner keeps in its short list, so both of its stores hold some.
    const lifecycle = new Lifecycle('engine');
    const sources = Array.from({ length: 100 }, () => source(1));
    const iterators = sources.map((src) => lifecycle.iterator(src));
    const closedEarly = new Set<number>();
    for (let i = 0; i < 100; i += 3) closedEarly.add(i); // oldest first, from both stores
    for (let i = 99; i >= 0; i -= 7) closedEarly.add(i); // newest first
    for (const i of closedEarly) await iterators[i]!.close();
    for (const i of closedEarly) expect(sources[i]!.releases).toBe(1);
    await lifecycle.close(() => undefined);
    sources.forEach((src, i) => expect(src.releases, `iterator ${i}`).toBe(1));
    expect(iterators.every((it) => it.closed)).toBe(true);
  });

  it('an open lifecycle does not throw', () => {
    expect(() => new Lifecycle().assertOpen()).not.toThrow();
  });
});
