/**
 * Compaction beside the rest of the store: writers and readers running while the physical
 * removal deletes old revisions, and a close() that stops the removal part-way, after which
 * a reopen must still refuse reads below the compact revision (COMPACTED, never a partial
 * history), answer every read at or above it as before, and finish the removal. With the
 * small-batch variant (index.ts) the removal spans dozens of batches, so these interleavings
 * happen between batches.
 */
import { expect } from 'vitest';
import type { KV } from '@tidekv/core';
import { needsReopen, type MvccCase } from '../mvcc-case.js';
import { openReferenceKV } from '../mvcc/reference-kv.js';
import { expectTidekvError } from '../support/expect-error.js';
import { everything } from '../support/mvcc.js';
import { readsFrom, writeHistory } from './compaction.js';

const group = 'compaction';
const HISTORY = 150;
const COMPACT_AT = 120;

/** The i-th write of the interleaved writer: puts, deletes and txns on the history's keys. */
function write(kv: KV, i: number): Promise<{ revision: number }> {
  const key = `key${(i * 3) % 8}`;
  if (i % 4 === 1) return kv.deleteRange(key);
  if (i % 4 === 3) return kv.txn({ success: [{ type: 'put', key, value: `w${i}` }, { type: 'put', key: `new${i % 5}`, value: `n${i}` }] });
  return kv.put(key, `w${i}`);
}

async function expectCompacted(kv: KV, revisions: readonly number[], when: string): Promise<void> {
  for (const revision of revisions) {
    await expectTidekvError(() => kv.range('key1', { revision }), 'COMPACTED', `${when}: a read at ${revision}, below the compact revision`);
  }
}

export const compactionInterleavedCases: MvccCase[] = [
  {
    group,
    name: 'writers and readers run beside the physical removal: reads at or above the compact revision never change, below they fail COMPACTED',
    timeout: 120_000,
    async run({ kv, options }) {
      await writeHistory(kv, HISTORY);
      const expected = await readsFrom(kv, COMPACT_AT);
      const model = await openReferenceKV();
      try {
        await writeHistory(model, HISTORY);
        let finished = false;
        const removal = kv.compact(COMPACT_AT, { physical: true }).finally(() => (finished = true));
        await model.compact(COMPACT_AT);
        // At least 10 rounds each, and on until the removal is done.
        const writer = (async () => {
          for (let i = 0; !finished || i < 10; i++) {
            const { revision } = await write(kv, i);
            expect(revision, `write ${i} during the removal`).toBe((await write(model, i)).revision);
            // A store that commits without real I/O would otherwise never let the removal's pause end.
            await new Promise<void>((resolve) => setTimeout(resolve, 1));
          }
        })();
        const reader = (async () => {
          for (let i = 0; !finished || i < 10; i++) {
            const revision = COMPACT_AT + ((i * 7) % expected.length);
            expect(await everything(kv, revision), `round ${i}: the whole store at ${revision} during the removal`).toEqual(expected[revision - COMPACT_AT]);
            // Below the compact revision once the logical step is visible (the request may still be queued).
            if (i % 4 === 0 && kv.compactRevision === COMPACT_AT) await expectCompacted(kv, [COMPACT_AT - 1 - (i % 50)], `round ${i}`);
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        })();
        await Promise.all([removal, writer, reader]);
        expect(kv.compactRevision).toBe(COMPACT_AT);
        await expectCompacted(kv, [1, COMPACT_AT / 2, COMPACT_AT - 1], 'after the removal');
        expect(await readsFrom(kv, COMPACT_AT), 'every revision from the compact revision on, after the removal').toEqual(await readsFrom(model, COMPACT_AT));
        if (options.hashParity) expect(await kv.hashKV(), 'hashKV after the removal').toEqual(await model.hashKV());
      } finally {
        await model.close();
      }
    },
  },
  {
    group,
    name: 'a close during the physical removal stops it; after reopen reads below fail COMPACTED, reads at or above are unchanged, and the removal finishes',
    timeout: 120_000,
    skip: needsReopen,
    async run(ctx) {
      await writeHistory(ctx.kv, HISTORY);
      const expected = await readsFrom(ctx.kv, COMPACT_AT);
      const revision = ctx.kv.revision;
      await ctx.kv.compact(COMPACT_AT); // the removal starts in the background; close() stops it between batches
      const hashKV = async () => (ctx.options.hashParity ? ctx.kv.hashKV() : undefined);
      const hash = await hashKV();
      await ctx.reopen();
      expect({ revision: ctx.kv.revision, compactRevision: ctx.kv.compactRevision }, 'after reopen').toEqual({ revision, compactRevision: COMPACT_AT });
      await expectCompacted(ctx.kv, [1, 2, COMPACT_AT / 2, COMPACT_AT - 2, COMPACT_AT - 1], 'after reopen');
      expect(await readsFrom(ctx.kv, COMPACT_AT), 'every revision from the compact revision on, after reopen').toEqual(expected);
      expect(await hashKV(), 'hashKV after reopen').toEqual(hash);
      // A later compaction waits for the resumed removal, then runs its own.
      await ctx.kv.compact(revision, { physical: true });
      expect(await everything(ctx.kv), 'current state after the resumed removal').toEqual(expected.at(-1));
      await ctx.reopen();
      expect({ revision: ctx.kv.revision, compactRevision: ctx.kv.compactRevision }, 'after a second reopen').toEqual({ revision, compactRevision: revision });
      expect(await everything(ctx.kv)).toEqual(expected.at(-1));
      await expectCompacted(ctx.kv, [COMPACT_AT], 'after compacting at the current revision');
    },
  },
];
