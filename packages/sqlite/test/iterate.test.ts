import { describe, expect, it } from 'vitest';
import type { Keyspace, StorageEngine } from '@tidekv/core';
import { expectCode, openTemp, text, utf8 } from './helpers.js';

const names = (entries: Iterable<[Uint8Array, Uint8Array]>) => [...entries].map(([k]) => text(k));

async function fill(engine: StorageEngine, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `k${String(i).padStart(4, '0')}`);
  await engine.write(keys.map((k) => ({ type: 'put' as const, key: utf8(k), value: utf8(k) })));
  return keys;
}

describe('keyset pagination', () => {
  it('crosses page boundaries exactly, forward and reverse, with and without limits', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    const keys = await fill(engine, 700); // pages of 256
    expect(names(await ks.iterate().all())).toEqual(keys);
    expect(names(await ks.iterate({ reverse: true }).all())).toEqual([...keys].reverse());
    expect(names(await ks.iterate({ limit: 300 }).all())).toEqual(keys.slice(0, 300));
    expect(names(await ks.iterate({ reverse: true, limit: 513 }).all())).toEqual([...keys].reverse().slice(0, 513));
    expect(names(ks.iterateSync!({ gt: utf8('k0100'), lte: utf8('k0600') }))).toEqual(keys.slice(101, 601));
    expect(names(ks.iterateSync!({ gt: utf8('k0100'), lte: utf8('k0600'), reverse: true, limit: 400 }))).toEqual(keys.slice(101, 601).reverse().slice(0, 400));
    for (const size of [1, 255, 256, 257, 1000]) {
      const it = ks.iterate({ gte: utf8('k0001'), lt: utf8('k0699') });
      const seen: (string | undefined)[] = [];
      for (let page = await it.nextv(size); page.length > 0; page = await it.nextv(size)) seen.push(...names(page));
      expect(seen).toEqual(keys.slice(1, 699));
    }
  });

  it('lets writes happen mid-scan: later keys appear, passed keys are never repeated', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(['b', 'd', 'f'].map((k) => ({ type: 'put' as const, key: utf8(k), value: utf8(k) })));
    const forward = ks.iterate();
    const seen = names(await forward.nextv(1)); // b
    await ks.put(utf8('a'), utf8('before the cursor'));
    await ks.put(utf8('c'), utf8('after the cursor'));
    await ks.put(utf8('b'), utf8('rewritten'));
    await ks.del(utf8('f'));
    for await (const [key] of forward) seen.push(text(key)!);
    expect(seen).toEqual(['b', 'c', 'd']);

    const reverse = ks.iterate({ reverse: true });
    const back = names(await reverse.nextv(1)); // d
    await ks.put(utf8('e'), utf8('behind'));
    await ks.put(utf8('bb'), utf8('ahead'));
    back.push(...names(await reverse.all()));
    expect(back).toEqual(['d', 'c', 'bb', 'b', 'a']);

    // iterateSync pages too, so the connection stays free for writes between entries.
    const sync: string[] = [];
    for (const [key] of ks.iterateSync!()) {
      sync.push(text(key)!);
      await ks.put(utf8(`${text(key)}-seen`), utf8('x'));
    }
    expect(sync).toEqual(['a', 'b', 'bb', 'c', 'd', 'e']);
  });

  it('iterateSync validates eagerly and stops with NOT_OPEN at the next page after close', async () => {
    const { engine } = await openTemp();
    const ks: Keyspace = engine.keyspace('default');
    await fill(engine, 300);
    expect(() => ks.iterateSync!({ limit: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => ks.iterateSync!({ gt: 'a' as never })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    const it = ks.iterateSync!()[Symbol.iterator]();
    for (let i = 0; i < 256; i++) it.next(); // the first page is buffered
    await engine.close();
    expect(() => it.next()).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    expect(() => ks.iterateSync!()).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    expect(() => ks.iterate()).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it('an empty range runs no query and an aborted signal stops the scan', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    await fill(engine, 10);
    expect(await ks.iterate({ gt: utf8('k0005'), lt: utf8('k0003') }).all()).toEqual([]);
    expect([...ks.iterateSync!({ limit: 0 })]).toEqual([]);
    const controller = new AbortController();
    const it = ks.iterate({ signal: controller.signal });
    expect(await it.next()).toBeDefined();
    controller.abort();
    await expectCode(() => it.next(), 'ABORTED');
  });
});
