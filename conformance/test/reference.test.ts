import { join } from 'node:path';
import { describeEngine, openReference } from '../src/index.js';

// In memory: persistence and crash tests are registered and skipped.
describeEngine({
  name: 'reference (in memory)',
  open: () => openReference(),
});

// Persisting to a file in the test directory: reopen tests run too.
describeEngine({
  name: 'reference (file)',
  open: ({ dir }) => openReference({ path: join(dir, 'reference.db') }),
});
