import { join } from 'node:path';
import { MvccStore } from '@tidekv/core';
import { describeMvcc } from '@tidekv/conformance';
import { openLmdb } from '../src/index.js';

// Every commit a synced engine write.
describeMvcc({
  name: 'MvccStore on lmdb (no WAL)',
  open: async ({ dir }) => MvccStore.open({ engine: await openLmdb({ path: join(dir, 'engine') }), wal: false }),
  reopen: true,
});

// Commits durable through the WAL; engine writes unsynced, flushed at checkpoints.
describeMvcc({
  name: 'MvccStore on lmdb + WAL',
  open: async ({ dir }) => MvccStore.open({ engine: await openLmdb({ path: join(dir, 'engine') }), wal: { dir: join(dir, 'wal') } }),
  reopen: true,
});
