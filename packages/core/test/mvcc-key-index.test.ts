import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../src/mvcc/key-index.js';
import { KeyTree } from '../src/mvcc/key-tree.js';
import { compareBytes, utf8Encode, type Revision } from '../src/index.js';
import { latin1Image } from '../src/codec/bytes.js';
import { propertySeed } from './seed.js';

const rev = (main: number, sub = 0): Revision => ({ main, sub });

/** Builds an index from a compact notation: numbers are puts, 'Nt' tombstones, 'N.S' sub-revisions. */
function build(changes: string[]): KeyIndex {
  const index = KeyIndex.of(utf8Encode('foo'));
  for (const change of changes) {
    const tomb = change.endsWith('t');
    const [main, sub] = change.replace('t', '').split('.').map(Number);
    if (tomb) index.tombstone(rev(main!, sub ?? 0));
    else index.put(rev(main!, sub ?? 0));
  }
  return index;
}

/** The generations as the reference writes them: {2,4,6t}{8}{}. */
function show(index: KeyIndex): string {
  return index.generations
    .map((g, i) => {
      const closed = i < index.generations.length - 1;
      return `{${g.revs.map((r, j) => `${r.main}${r.sub ? `.${r.sub}` : ''}${closed && j === g.revs.length - 1 ? 't' : ''}`).join(',')}}`;
    })
    .join('');
}

describe('KeyIndex: the reference examples', () => {
  const example = () => build(['2', '4', '6t', '8', '10', '12t', '14', '15.1', '16t']);

  it('builds generations {2,4,6t}{8,10,12t}{14,15.1,16t}{}', () => {
    expect(show(example())).toBe('{2,4,6t}{8,10,12t}{14,15.1,16t}{}');
  });

  it('get(5) = (mod 4, created 2, ver 2); get(15) = (15.1, created 14, ver 2)', () => {
    const index = example();
    expect(index.get(5)).toEqual({ modified: rev(4), created: rev(2), version: 2 });
    expect(index.get(15)).toEqual({ modified: rev(15, 1), created: rev(14), version: 2 });
  });

  it('get(6), get(7), get(12), get(13), get(16), get(17) = not found', () => {
    const index = example();
    for (const at of [6, 7, 12, 13, 16, 17]) expect(index.get(at), `get(${at})`).toBeUndefined();
    expect(index.get(1)).toBeUndefined();
  });

  it('every revision of the example reads as the latest change at or before it', () => {
    const index = example();
    expect(index.get(2)).toEqual({ modified: rev(2), created: rev(2), version: 1 });
    expect(index.get(3)).toEqual({ modified: rev(2), created: rev(2), version: 1 });
    expect(index.get(8)).toEqual({ modified: rev(8), created: rev(8), version: 1 });
    expect(index.get(11)).toEqual({ modified: rev(10), created: rev(8), version: 2 });
    expect(index.get(14)).toEqual({ modified: rev(14), created: rev(14), version: 1 });
  });

  it('put@1, put@2, del@3, put@4, del@5: compact(2) {2,3t}{4,5t}{}, compact(4) {4,5t}{}, compact(5) {5t}{}, compact(6) gone', () => {
    const index = build(['1', '2', '3t', '4', '5t']);
    index.compact(2);
    expect(show(index)).toBe('{2,3t}{4,5t}{}');
    index.compact(4);
    expect(show(index)).toBe('{4,5t}{}');
    index.compact(5);
    expect(show(index)).toBe('{5t}{}');
    expect(index.isEmpty).toBe(false);
    index.compact(6);
    expect(show(index)).toBe('{}');
    expect(index.isEmpty).toBe(true);
  });

  it('compacting at each revision directly gives the same as compacting step by step', () => {
    const expected: Record<number, string> = { 1: '{1,2,3t}{4,5t}{}', 2: '{2,3t}{4,5t}{}', 3: '{3t}{4,5t}{}', 4: '{4,5t}{}', 5: '{5t}{}', 6: '{}' };
    for (const [at, shape] of Object.entries(expected)) {
      const index = build(['1', '2', '3t', '4', '5t']);
      index.compact(Number(at));
      expect(show(index), `compact(${at})`).toBe(shape);
    }
  });

  it('compaction keeps the value visible at the compact revision of a key never modified since', () => {
    const index = build(['2']);
    index.compact(10);
    expect(show(index)).toBe('{2}');
    expect(index.get(10)).toEqual({ modified: rev(2), created: rev(2), version: 1 });
  });

  it('kept(): the latest change <= atRev when it is a put; never a tombstone', () => {
    const index = build(['1', '2', '3t', '4', '5t', '7']);
    expect(index.kept(1)).toEqual(rev(1));
    expect(index.kept(2)).toEqual(rev(2));
    expect(index.kept(3)).toBeUndefined();
    expect(index.kept(4)).toEqual(rev(4));
    expect(index.kept(5)).toBeUndefined();
    expect(index.kept(6)).toBeUndefined();
    expect(index.kept(7)).toEqual(rev(7));
    expect(index.kept(0)).toBeUndefined();
  });

  it('a key deleted and put again in one txn (del@3.0, put@3.1): compact(3) keeps the put, kept(3) is the put', () => {
    const index = build(['2', '3t', '3.1', '4']);
    expect(index.kept(3)).toEqual(rev(3, 1));
    index.compact(3);
    expect(show(index)).toBe('{3.1,4}');
    expect(index.has(rev(3))).toBe(false);
    expect(index.get(3)).toEqual({ modified: rev(3, 1), created: rev(3, 1), version: 1 });
    // Deleted again in the same txn: the tombstone at 3 is the latest change, kept until the next compaction.
    const again = build(['2', '3t', '3.1', '3.2t']);
    expect(again.kept(3)).toBeUndefined();
    again.compact(3);
    expect(show(again)).toBe('{3.2t}{}');
    again.compact(4);
    expect(again.isEmpty).toBe(true);
  });

  it('a tombstone on a deleted key is refused; puts must move forward', () => {
    const index = build(['1', '2t']);
    expect(() => index.tombstone(rev(3))).toThrow(/does not exist/);
    expect(() => index.put(rev(2))).toThrow(/not after/);
    expect(() => index.put(rev(2, 0))).toThrow();
    index.put(rev(2, 1));
    expect(show(index)).toBe('{1,2t}{2.1}');
  });

  it('rollback undoes puts and tombstones exactly', () => {
    const index = build(['1', '2']);
    index.tombstone(rev(3));
    index.rollback(rev(3));
    expect(show(index)).toBe('{1,2}');
    expect(index.modified).toEqual(rev(2));
    index.put(rev(4));
    index.rollback(rev(4));
    index.rollback(rev(2));
    index.rollback(rev(1));
    expect(index.isEmpty).toBe(true);
    expect(() => index.rollback(rev(1))).toThrow();
  });

  it('restore() and restoreTombstone() rebuild a compacted key from its first record', () => {
    const index = KeyIndex.of(utf8Encode('k'));
    index.restore(rev(3), rev(7), 4);
    index.put(rev(9));
    expect(index.get(9)).toEqual({ modified: rev(9), created: rev(3), version: 5 });
    const dead = KeyIndex.of(utf8Encode('d'));
    dead.restoreTombstone(rev(5));
    expect(dead.get(5)).toBeUndefined();
    expect(dead.live).toBe(false);
    dead.compact(5);
    expect(dead.isEmpty).toBe(false);
    dead.compact(6);
    expect(dead.isEmpty).toBe(true);
  });

  it('has() finds exactly the recorded revisions', () => {
    const index = build(['2', '4', '6t', '8', '10', '12t', '14', '15.1', '16t']);
    for (const r of ['2', '4', '6', '8', '10', '12', '14', '15.1', '16']) {
      const [main, sub] = r.split('.').map(Number);
      expect(index.has(rev(main!, sub ?? 0)), r).toBe(true);
    }
    for (const r of [[1, 0], [3, 0], [15, 0], [16, 1], [17, 0]] as const) expect(index.has(rev(r[0], r[1]))).toBe(false);
  });
});

/** The obvious model: the full list of changes, each answer computed from scratch. */
describe('KeyIndex against the full history (property)', () => {
  const seed = propertySeed('mvcc-key-index');
  it('get, kept and compact agree with a model of every change', () => {
    fc.assert(
      // Each op is [put wanted, same main revision as the previous change] (a txn changing the key again, e.g. delete then put).
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }), (ops, compactions) => {
        const index = KeyIndex.of(utf8Encode('k'));
        const history: Array<{ main: number; sub: number; tomb: boolean }> = [];
        let main = 1;
        let sub = 0;
        let live = false;
        for (const [wantPut, sameTxn] of ops) {
          if (sameTxn && history.length > 0) sub++;
          else {
            main++;
            sub = 0;
          }
          const tomb: boolean = !wantPut && live;
          if (tomb) index.tombstone(rev(main, sub));
          else index.put(rev(main, sub));
          history.push({ main, sub, tomb });
          live = !tomb;
        }
        const modelGet = (at: number) => {
          const upTo = history.filter((h) => h.main <= at);
          const last = upTo.at(-1);
          if (!last || last.tomb) return undefined;
          let start = upTo.length - 1;
          while (start > 0 && !upTo[start - 1]!.tomb) start--;
          return { modified: rev(last.main, last.sub), created: rev(upTo[start]!.main, upTo[start]!.sub), version: upTo.length - start };
        };
        let compacted = 0;
        for (const at of [...compactions].sort((a, b) => a - b)) {
          index.compact(at);
          compacted = at;
          const latest = history.filter((h) => h.main <= at).at(-1);
          expect(index.kept(at)).toEqual(latest && !latest.tomb ? rev(latest.main, latest.sub) : undefined);
          // Compaction keeps every change above `at` and the latest change <= at: a put, or a tombstone exactly at `at`.
          const keepsLatest = latest !== undefined && (!latest.tomb || latest.main === at);
          const kept = history.filter((h) => h.main > at || (h === latest && keepsLatest)).map((h) => rev(h.main, h.sub));
          expect(history.filter((h) => index.has(rev(h.main, h.sub))).map((h) => rev(h.main, h.sub)), `revisions kept by compact(${at})`).toEqual(kept);
          if (index.isEmpty) return;
        }
        for (let at = Math.max(compacted, 1); at <= main + 1; at++) expect(index.get(at), `get(${at})`).toEqual(modelGet(at));
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('KeyIndex restored from a put (reopen)', () => {
  const seed = propertySeed('mvcc-key-index-restored');

  /** Everything an index answers, at every revision up to `last`. */
  function answers(index: KeyIndex, last: number) {
    const out: unknown[] = [index.isEmpty, index.live, index.modified];
    for (let at = 0; at <= last; at++) out.push(index.get(at), index.modifiedAt(at), index.kept(at), index.has(rev(at)), index.has(rev(at, 1)));
    return out;
  }

  it('answers as restore() does, before and after puts, tombstones, rollbacks and compactions', () => {
    fc.assert(
      // Each op: 0 put, 1 tombstone (a put when deleted), 2 roll the latest change back, 3 compact at a revision.
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20 })), { maxLength: 12 }),
        (createdMain, gap, version, ops) => {
          const created = rev(createdMain);
          let main = createdMain + gap;
          const restored = KeyIndex.restored('k', { ver: version, created }, rev(main, 1));
          const reference = new KeyIndex('k');
          reference.restore(created, rev(main, 1), version);
          const changes: Revision[] = [];
          let last = main + 2;
          expect(answers(restored, last)).toEqual(answers(reference, last));
          for (const [op, at] of ops) {
            if (op === 2) {
              const latest = changes.pop();
              if (latest === undefined) continue;
              restored.rollback(latest);
              reference.rollback(latest);
            } else if (op === 3) {
              restored.compact(at);
              reference.compact(at);
            } else {
              const next = rev(++main);
              if (op === 1 && reference.live) {
                restored.tombstone(next);
                reference.tombstone(next);
              } else {
                restored.put(next);
                reference.put(next);
              }
              changes.push(next);
            }
            last = Math.max(last, main + 2);
            expect(answers(restored, last)).toEqual(answers(reference, last));
            expect(show(restored)).toBe(show(reference));
            if (reference.isEmpty) return;
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('reads, compactions and hashKV answers leave a restored key as it is; its generations appear when asked for', () => {
    const index = KeyIndex.restored('k', { ver: 3, created: rev(2) }, rev(7, 1));
    expect(index.get(7)).toEqual({ modified: rev(7, 1), created: rev(2), version: 3 });
    expect(index.get(6)).toBeUndefined();
    expect(index.kept(6)).toBeUndefined();
    expect(index.kept(9)).toEqual(rev(7, 1));
    index.compact(100);
    expect(index.get(100)).toEqual({ modified: rev(7, 1), created: rev(2), version: 3 });
    expect(show(index)).toBe('{7.1}');
    expect(index.generations[0]).toEqual({ ver: 3, created: rev(2), revs: [rev(7, 1)] });
  });
});

describe('KeyTree', () => {
  const seed = propertySeed('mvcc-key-tree');
  const key = (n: number) => utf8Encode(n.toString(36).padStart(4, '0'));

  it('keeps 200k keys ordered through scattered inserts and deletes', () => {
    const tree = new KeyTree();
    const order: number[] = [];
    for (let i = 0; i < 200_000; i++) order.push((i * 7919) % 200_000);
    for (const n of order) tree.insert(KeyIndex.of(key(n)));
    expect(tree.size).toBe(200_000);
    let deleted = 0;
    for (let n = 0; n < 200_000; n += 2) if (tree.delete(key(n))) deleted++;
    expect(deleted).toBe(100_000);
    expect(tree.size).toBe(100_000);
    let previous: Uint8Array | undefined;
    let seen = 0;
    let unordered = 0;
    tree.forEach(new Uint8Array([0]), undefined, (index) => {
      if (previous && compareBytes(previous, index.key) >= 0) unordered++;
      previous = index.key;
      seen++;
    });
    expect(unordered).toBe(0);
    expect(seen).toBe(100_000);
    expect(tree.get(key(3))?.key).toEqual(key(3));
    expect(tree.get(key(4))).toBeUndefined();
  });

  it('fromIndexes builds the same tree as inserts, from keys in any order, and keeps working under inserts and deletes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 6 }), { maxLength: 3000, selector: (bytes) => latin1Image(bytes) }),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { maxLength: 300 }),
        (keys, more) => {
          const byImage = new Map(keys.map((key) => [latin1Image(key), KeyIndex.of(key)] as const));
          const tree = KeyTree.fromIndexes(byImage);
          const model = new Map(keys.map((key) => [latin1Image(key), key] as const));
          for (const key of more) {
            const image = latin1Image(key);
            if (model.has(image)) {
              expect(tree.delete(key)).toBe(true);
              model.delete(image);
            } else {
              tree.insert(KeyIndex.of(key));
              model.set(image, key);
            }
          }
          const want = [...model.values()].sort(compareBytes);
          const got: Uint8Array[] = [];
          tree.forEach(new Uint8Array(0), undefined, (index) => void got.push(index.key));
          expect(got).toEqual(want);
          expect(tree.size).toBe(model.size);
          for (const key of want) expect(tree.get(key)?.key).toEqual(key);
        },
      ),
      { seed, numRuns: 100 },
    );
  });

  it('matches a sorted-array model under random inserts, deletes and range scans', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('insert', 'delete', 'scan'), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 })), { maxLength: 600 }),
        (steps) => {
          const tree = new KeyTree();
          const model = new Set<number>();
          for (const [op, a, b] of steps) {
            if (op === 'insert') {
              if (!model.has(a)) tree.insert(KeyIndex.of(key(a)));
              model.add(a);
            } else if (op === 'delete') {
              expect(tree.delete(key(a))).toBe(model.delete(a));
            } else {
              const got: string[] = [];
              const limit = (b % 7) + 1;
              tree.forEach(key(Math.min(a, b)), a === b ? undefined : key(Math.max(a, b)), (index) => {
                got.push(new TextDecoder().decode(index.key));
                return got.length < limit;
              });
              const lo = Math.min(a, b);
              const hi = a === b ? Infinity : Math.max(a, b);
              const want = [...model].filter((n) => n >= lo && n < hi).sort((x, y) => x - y).slice(0, limit).map((n) => new TextDecoder().decode(key(n)));
              expect(got).toEqual(want);
            }
          }
          expect(tree.size).toBe(model.size);
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
