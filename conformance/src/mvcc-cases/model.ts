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
import type { ResolvedMvccOptions } from '../mvcc-options.js';
import { runSequence } from '../mvcc-model/run-sequence.js';
import { sequenceArb } from '../mvcc-model/steps.js';
import { caseSeed } from '../support/seed.js';

/** The model-based case, with `runs(options)` fast-check runs; `label` names its printed seed. */
export function modelCase(name: string, label: string, runs: (options: ResolvedMvccOptions) => number): MvccCase {
  return {
    group: 'model-based',
    name,
    timeout: 600_000,
    async run(ctx) {
      const seed = caseSeed(`${ctx.options.name} ${label}`);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(sequenceArb({ hash: ctx.options.hashParity, reopen: ctx.options.reopen }), async (steps) => {
          const root = join(ctx.dir, `run-${run++}`);
          const storeDir = join(root, 'store');
          await mkdir(storeDir, { recursive: true });
          try {
            await runSequence({ open: () => ctx.options.open({ ...ctx.location, dir: storeDir }), hashParity: ctx.options.hashParity }, steps, root);
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        }),
        { seed, numRuns: runs(ctx.options) },
      );
    },
  };
}

export const modelCases: MvccCase[] = [modelCase('random operation sequences answer exactly as the reference model', 'MVCC model', (options) => options.modelRuns)];
