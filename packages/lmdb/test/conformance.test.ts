import { fileURLToPath } from 'node:url';
import { describeEngine } from '@tidekv/conformance';
import { openLmdb } from '../src/index.js';

describeEngine({
  name: 'lmdb',
  open: ({ dir }) => openLmdb({ path: dir }),
  crash: {
    // The child process loads the built package: run `pnpm --filter @tidekv/lmdb build` first.
    module: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
    factory: 'lmdbEngine',
    options: {},
  },
});
