// kill -9 of a process running concurrent MVCC txns on memory + WAL (a durable in-memory
// store). Runs the built dist: `pnpm build` first.
import { fileURLToPath } from 'node:url';
import { describeMvccCrash } from '../../core/test/fixtures/mvcc-crash.js';
import { openMemory } from '../src/index.js';

describeMvccCrash('memory', fileURLToPath(new URL('../dist/index.js', import.meta.url)), 'openMemory', openMemory);
