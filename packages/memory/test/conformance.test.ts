import { fileURLToPath } from 'node:url';
import { describeEngine } from '@tidekv/conformance';
import { openMemory } from '../src/index.js';

describeEngine({ name: 'memory (ephemeral)', open: () => openMemory(), reopen: false });

describeEngine({
  name: 'memory (persistent)',
  open: ({ dir }) => openMemory({ path: dir }),
  crash: {
    // The child process loads the built package: run `pnpm --filter @tidekv/memory build` first.
    module: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
    factory: 'memoryEngine',
    options: {},
  },
});
