import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEngine, openReference } from '../src/index.js';

/** The crash child imports the built package; `pnpm test` builds before running tests. */
const builtModule = fileURLToPath(new URL('../dist/reference.js', import.meta.url));

// In memory: the reopen and crash tests are registered and shown as skipped.
describeEngine({
  name: 'reference (in memory)',
  open: () => openReference(),
});

// Persisting to one file in the test directory: reopen and kill -9 crash tests run too.
describeEngine({
  name: 'reference (file)',
  open: ({ dir }) => openReference({ path: join(dir, 'reference.db') }),
  crash: { module: builtModule, factory: 'referenceEngine', path: 'reference.db' },
});
