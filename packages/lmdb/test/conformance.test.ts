import { describeEngine } from '@tidekv/conformance';
import { openLmdb } from '../src/index.js';
import { DIST } from './helpers.js';

// The child process of the crash cases loads the built package: `pnpm test` builds first.
/** LMDB is multi-process by design (see the README, "Opening one path twice"): no LOCKED. */
const sharedLocation = 'LMDB lets any number of engines, in one process or several, open one path';

describeEngine({
  name: 'lmdb',
  open: ({ dir }) => openLmdb({ path: dir }),
  sharedLocation,
  crash: { module: DIST, factory: 'lmdbEngine', options: {} },
});

// durability 'flush' commits on the calling thread when nothing is queued: a different write path.
describeEngine({
  name: "lmdb (durability 'flush')",
  open: ({ dir }) => openLmdb({ path: dir, durability: 'flush' }),
  sharedLocation,
  crash: { module: DIST, factory: 'lmdbEngine', options: { durability: 'flush' } },
});
