import { describe, expect, it } from 'vitest';
import { expectCode, openTemp, text, utf8 } from './helpers.js';

const keys = (entries: [Uint8Array, Uint8Array][]) => entries.map(([k]) => text(k));

describe('snapshots (a read transaction on a second connection)', () => {
  it('pages a scan on the snapshot connection while the engine writes between pages', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    await engine.write(['a', 'c', 'e', 'g', 'i'].map((k) => ({ type: 'put' as const, key: utf8(k), value: utf8(k) })));
    const snapshot = engine.snapshot!();
    const view = snapshot.keyspace('default');
    for (const reverse of [false, true]) {
      const it = view.iterate({ reverse });
      const seen = keys(await it.nextv(2));
      await engine.write([
        { type: 'put', key: utf8('b'), value: utf8('new') },
        { type: 'put', key: utf8('h'), value: utf8('new') },
        { type: 'del', key: utf8('e') },
      ]);
      await ks.clear({ gte: utf8('f'), lt: utf8('g\0') });
      for (;;) {
        const page = await it.nextv(2);
        if (page.length === 0) break;
        seen.push(...keys(page));
      }
      expect(seen).toEqual(reverse ? ['i', 'g', 'e', 'c', 'a'] : ['a', 'c', 'e', 'g', 'i']);
      await ks.put(utf8('e'), utf8('e'));
      await ks.put(utf8('g'), utf8('g'));
      await ks.del(utf8('b'));
      await ks.del(utf8('h'));
    }
    expect(keys([...view.iterateSync!()])).toEqual(['a', 'c', 'e', 'g', 'i']);
    expect(text(view.getSync!(utf8('e')))).toBe('e');
    expect(await view.getMany([utf8('b'), utf8('c')])).toEqual([undefined, utf8('c')]);
    await snapshot.close();
  });

  it('does not see keyspaces created after it was taken, nor their writes', async () => {
    const { engine } = await openTemp();
    const snapshot = engine.snapshot!();
    await engine.keyspace('later').put(utf8('k'), utf8('v'));
    const view = snapshot.keyspace('later');
    expect(view.getSync!(utf8('k'))).toBeUndefined();
    expect(await view.get(utf8('k'))).toBeUndefined();
    const many = await view.getMany([utf8('k'), utf8('j')]);
    expect(many).toEqual([undefined, undefined]);
    expect(Object.keys(many), 'a dense array, not holes').toEqual(['0', '1']);
    expect(await view.iterate().all()).toEqual([]);
    expect([...view.iterateSync!({ reverse: true })]).toEqual([]);
    const next = engine.snapshot!();
    expect(text(next.keyspace('later').getSync!(utf8('k')))).toBe('v');
    await Promise.all([snapshot.close(), next.close()]);
  });

  it('keeps many simultaneous snapshots apart, and reused connections start fresh views', async () => {
    const { engine } = await openTemp();
    const ks = engine.keyspace('default');
    const snapshots = [];
    for (let i = 0; i < 10; i++) {
      await ks.put(utf8('n'), utf8(String(i)));
      snapshots.push(engine.snapshot!());
    }
    snapshots.forEach((s, i) => expect(text(s.keyspace('default').getSync!(utf8('n')))).toBe(String(i)));
    for (const s of snapshots) await s.close();
    for (let round = 0; round < 3; round++) {
      await ks.put(utf8('n'), utf8(`again-${round}`));
      const s = engine.snapshot!();
      expect(text(s.keyspace('default').getSync!(utf8('n')))).toBe(`again-${round}`);
      await s.close();
    }
  });

  it('fails NOT_OPEN after close, and the engine closing closes its snapshots and their iterators', async () => {
    const { engine } = await openTemp();
    await engine.keyspace('default').put(utf8('k'), utf8('v'));
    const first = engine.snapshot!();
    const view = first.keyspace('default');
    await first.close();
    await first.close();
    await expectCode(() => view.get(utf8('k')), 'NOT_OPEN');
    expect(() => view.getSync!(utf8('k'))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    expect(() => first.keyspace('default')).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));

    const second = engine.snapshot!();
    const it = second.keyspace('default').iterate();
    const sync = second.keyspace('default').iterateSync!()[Symbol.iterator]();
    await engine.close();
    expect(it.closed).toBe(true);
    await expectCode(() => it.next(), 'NOT_OPEN');
    expect(() => sync.next()).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    await expectCode(() => second.keyspace('default').get(utf8('k')), 'NOT_OPEN');
    expect(() => engine.snapshot!()).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
  });

  it('supports await using', async () => {
    const { engine } = await openTemp();
    await engine.keyspace('default').put(utf8('k'), utf8('v'));
    let view;
    {
      await using snapshot = engine.snapshot!();
      view = snapshot.keyspace('default');
      expect(text(await view.get(utf8('k')))).toBe('v');
    }
    await expectCode(() => view.get(utf8('k')), 'NOT_OPEN');
  });
});
