import { join } from 'node:path';
import { MvccStore } from '@tidekv/core';
import { compactionOptions, describeMvcc, openReference } from '../src/index.js';

// core's MvccStore over this package's reference engine: in memory, and persisted to one
// file (reopen cases). The adapters run the same suite over their own engines.
describeMvcc({
  name: 'MvccStore on the reference engine (in memory)',
  open: async (location) => MvccStore.open({ engine: await openReference(), wal: false, ...compactionOptions(location) }),
});

describeMvcc({
  name: 'MvccStore on the reference engine (file)',
  open: async (location) => MvccStore.open({ engine: await openReference({ path: join(location.dir, 'engine.db') }), wal: false, ...compactionOptions(location) }),
  reopen: true,
  fullDisk: true,
});
