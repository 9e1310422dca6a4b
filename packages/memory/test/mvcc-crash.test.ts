// kill -9 of a process running concurrent MVCC txns on memory + WAL (a durable in-memory
// store). Runs the built dist: `pnpm build` first.
import { describeMvccCrash } from '../../core/test/fixtures/mvcc-crash.js';
import { openMemory } from '../src/index.js';
import { DIST_MODULE } from './helpers.js';

describeMvccCrash('memory', DIST_MODULE, 'openMemory', openMemory);
