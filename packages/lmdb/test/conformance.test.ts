import { fileURLToPath } from 'node:url';
import { describeEngine } from '@tidekv/conformance';
import { openLmdb } from '../src/index.js';

// The child process of the crash cases loads the built package: `pnpm test` builds first.
const module = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describeEngine({
  name: 'lmdb',
  open: ({ dir }) => openLmdb({ path: dir }),
  crash: { module, factory: 'lmdbEngine', options: {} },
});

// durability 'flush' commits on the calling thread when nothing is queued: a different write path.
describeEngine({
  name: "lmdb (durability 'flush')",
  open: ({ dir }) => openLmdb({ path: dir, durability: 'flush' }),
  crash: { module, factory: 'lmdbEngine', options: { durability: 'flush' } },
});
