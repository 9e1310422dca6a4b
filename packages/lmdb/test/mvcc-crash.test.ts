// kill -9 of a process running concurrent MVCC txns on lmdb + WAL (engine writes unsynced,
// flushed at checkpoints). Runs the built dist: `pnpm build` first.
import { describeMvccCrash } from '../../core/test/fixtures/mvcc-crash.js';
import { openLmdb } from '../src/index.js';
import { DIST } from './helpers.js';

describeMvccCrash('lmdb', DIST, 'openLmdb', openLmdb);
