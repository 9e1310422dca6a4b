/** close: idempotent, Symbol.asyncDispose closes, and every method afterwards fails NOT_OPEN. */
import { expect } from 'vitest';
import type { KV } from '@tidekv/core';
import type { MvccCase } from '../mvcc-case.js';
import { expectTidekvError } from '../support/expect-error.js';

const group = 'lifecycle';

const CALLS: [string, (kv: KV) => unknown][] = [
  ['put', (kv) => kv.put('a', '1')],
  ['range', (kv) => kv.range('a')],
  ['deleteRange', (kv) => kv.deleteRange('a')],
  ['txn', (kv) => kv.txn({ success: [{ type: 'put', key: 'a', value: '1' }] })],
  ['read-only txn', (kv) => kv.txn({})],
  ['compact', (kv) => kv.compact(1)],
  ['hashKV', (kv) => kv.hashKV()],
  ['put with bad input', (kv) => kv.put(undefined as never, '1')],
];

export const lifecycleCases: MvccCase[] = [
  {
    group,
    name: 'every method fails NOT_OPEN after close; close is idempotent',
    async run({ kv }) {
      await kv.put('a', '1');
      await kv.close();
      await kv.close();
      for (const [what, call] of CALLS) await expectTidekvError(() => call(kv), 'NOT_OPEN', `${what} after close`);
      expect(kv.revision, 'the last revision stays readable').toBe(2);
    },
  },
  {
    group,
    name: 'Symbol.asyncDispose closes the store',
    async run({ kv }) {
      await kv.put('a', '1');
      {
        await using scoped = kv;
        expect((await scoped.range('a')).count).toBe(1);
      }
      await expectTidekvError(() => kv.range('a'), 'NOT_OPEN', 'range after dispose');
    },
  },
  {
    group,
    name: 'concurrent writes get distinct, consecutive revisions',
    async run({ kv }) {
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => kv.put(`k${i % 7}`, `${i}`)));
      const revisions = responses.map((r) => r.revision).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
      expect(kv.revision).toBe(51);
      expect((await kv.range('k', { prefix: true, countOnly: true })).count).toBe(7);
    },
  },
];
