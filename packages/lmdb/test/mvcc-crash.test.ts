// kill -9 of a process running concurrent MVCC txns on lmdb + WAL (engine writes unsynced,
// flushed at checkpoints). Runs the built dist: `pnpm build` first.
import { fileURLToPath } from 'node:url';
import { describeMvccCrash } from '../../core/test/fixtures/mvcc-crash.js';
import { openLmdb } from '../src/index.js';

describeMvccCrash('lmdb', fileURLToPath(new URL('../dist/index.js', import.meta.url)), 'openLmdb', openLmdb);
