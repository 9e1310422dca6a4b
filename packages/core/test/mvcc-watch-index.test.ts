/**
 * The watcher index (single keys and prefixes filed by hash, other ranges sorted by start) against
 * a plain scan of every watcher with watchMatches: random adds, deletes and lookups, with
 * keys and prefixes whose hashes collide, must find exactly the matching watchers, each once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyImage } from '../src/mvcc/lease/lease.js';
import type { WatchOptions } from '../src/mvcc/kv.js';
import { parseWatch, watchMatches, WATCH_KEY, WATCH_PREFIX, WATCH_RANGE } from '../src/mvcc/watch.js';
import { imageHash } from '../src/mvcc/watch-key.js';
import type { Watcher } from '../src/mvcc/watcher.js';
import { WatcherIndex } from '../src/mvcc/watcher-index.js';
import { propertySeed } from './seed.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** Two different strings from `make(i)` whose hashes collide (a birthday search: ~40k tries for 30 bits). */
function collision(make: (i: number) => string, accept: (a: string, b: string) => boolean): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const text = make(i);
    const hash = imageHash(text);
    const other = seen.get(hash);
    if (other !== undefined && accept(other, text)) return [other, text];
    seen.set(hash, text);
  }
}

const [keyA, keyB] = collision((i) => `k${i}`, () => true);
// Two prefixes of different lengths on one hash: each must be found at its own length only.
const [prefixA, prefixB] = collision((i) => `p${i * 7}`.slice(0, 2 + (i % 6)), (a, b) => a.length !== b.length && !a.startsWith(b) && !b.startsWith(a));

const SPECS: [string, WatchOptions][] = [
  ['a', {}],
  ['ab', {}],
  ['a', { prefix: true }],
  ['ab', { prefix: true }],
  ['a\u00ff', { prefix: true }],
  ['b', { end: 'c' }],
  ['ab', { end: 'b' }],
  ['a', { end: '\0' }],
  ['aa', { end: 'ac' }],
  ['a', { end: 'abd' }],
  ['a\u00ff', { end: '\0' }],
  ['b1', { end: 'c' }],
  ['0', { end: 'a' }],
  ['ab', { end: 'b1' }],
  [keyA, {}],
  [keyB, {}],
  [keyA, { prefix: true }],
  [prefixA, { prefix: true }],
  [prefixB, { prefix: true }],
];
const PROBES = ['0', '1', 'aa', 'ab0', 'abd', 'b0', 'b1', 'b2', 'a', 'ab', 'abc', 'a\u00ff', 'a\u00ffz', 'b', 'b1', 'c', '\u00ff', keyA, keyB, `${keyA}x`, prefixA, prefixB, `${prefixA}1`, `${prefixB}22`, prefixA.slice(0, -1)];

function fakeWatcher(key: string, options: WatchOptions): Watcher {
  return { spec: parseWatch(latin1(key), options) } as Watcher;
}

describe('watch: watcher index', () => {
  it('the colliding keys and prefixes really collide, and specs get their kind', () => {
    expect(keyA).not.toBe(keyB);
    expect(imageHash(keyA)).toBe(imageHash(keyB));
    expect(prefixA.length).not.toBe(prefixB.length);
    expect(imageHash(prefixA)).toBe(imageHash(prefixB));
    expect(parseWatch('a').kind).toBe(WATCH_KEY);
    expect(parseWatch('a', { prefix: true }).kind).toBe(WATCH_PREFIX);
    expect(parseWatch('a', { end: 'b' }).kind).toBe(WATCH_PREFIX);
    expect(parseWatch('a', { end: 'c' }).kind).toBe(WATCH_RANGE);
    expect(parseWatch('a', { end: '\0' }).kind).toBe(WATCH_RANGE);
    expect(parseWatch(latin1('\u00ff'), { prefix: true }).kind).toBe(WATCH_RANGE);
    expect(keyImage(parseWatch(latin1('a\u00ff')).key)).toBe('a\u00ff');
  });

  it('finds exactly the watchers whose range holds the key, each once (model)', () => {
    const seed = propertySeed('mvcc-watch-index');
    type Op = { add: true; spec: number } | { add: false; pick: number } | { probe: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ add: fc.constant(true as const), spec: fc.nat(SPECS.length - 1) }) },
      { weight: 1, arbitrary: fc.record({ add: fc.constant(false as const), pick: fc.nat() }) },
      { weight: 3, arbitrary: fc.record({ probe: fc.nat(PROBES.length - 1) }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const index = new WatcherIndex();
        const present: Watcher[] = [];
        for (const op of ops) {
          if ('probe' in op) {
            const key = latin1(PROBES[op.probe]!);
            const found: Watcher[] = [];
            index.collect(key, found);
            const want = present.filter((w) => watchMatches(w.spec, key));
            expect(new Set(found).size).toBe(found.length);
            expect(new Set(found)).toEqual(new Set(want));
          } else if (op.add) {
            const watcher = fakeWatcher(...SPECS[op.spec]!);
            index.add(watcher);
            present.push(watcher);
          } else if (present.length > 0) {
            const [watcher] = present.splice(op.pick % present.length, 1);
            index.delete(watcher!);
          }
          expect(index.size).toBe(present.length);
          expect(new Set(index.values())).toEqual(new Set(present));
        }
      }),
      { seed, numRuns: 300, endOnFailure: true },
    );
  });
});
