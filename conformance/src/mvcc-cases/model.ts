/**
 * Model-based test: fast-check generates sequences of puts, deletes, ranges at old
 * revisions with every option, txns (nested too), compactions, hashKV and reopen, and
 * each runs on a fresh store and a fresh reference model side by side (run-sequence.ts).
 * The seed is printed; replay with TIDEKV_SEED=<seed>.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { MvccCase } from '../mvcc-case.js';
import { runSequence } from '../mvcc-model/run-sequence.js';
import { sequenceArb } from '../mvcc-model/steps.js';
import { caseSeed } from '../support/seed.js';

export const modelCases: MvccCase[] = [
  {
    group: 'model-based',
    name: 'random operation sequences answer exactly as the reference model',
    timeout: 600_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} MVCC model`);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(sequenceArb({ hash: ctx.options.hashParity, reopen: ctx.options.reopen }), async (steps) => {
          const root = join(ctx.dir, `run-${run++}`);
          const storeDir = join(root, 'store');
          await mkdir(storeDir, { recursive: true });
          try {
            await runSequence({ open: () => ctx.options.open({ dir: storeDir }), hashParity: ctx.options.hashParity }, steps, root);
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        }),
        { seed, numRuns: ctx.options.modelRuns },
      );
    },
  },
];
