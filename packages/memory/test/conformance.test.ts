import { describeEngine } from '@tidekv/conformance';
import { openMemory } from '../src/index.js';
import { DIST_MODULE } from './helpers.js';

describeEngine({ name: 'memory (ephemeral)', open: () => openMemory(), reopen: false });

describeEngine({
  name: 'memory (persistent)',
  open: ({ dir }) => openMemory({ path: dir }),
  // The crash case's child process loads the built package: run `pnpm --filter @tidekv/memory build` first.
  crash: { module: DIST_MODULE, factory: 'memoryEngine', options: {} },
});
