import { describeMvcc, openReferenceKV } from '../src/index.js';

// In memory: the reopen cases are registered and shown as skipped.
describeMvcc({
  name: 'reference KV (in memory)',
  open: () => openReferenceKV(),
});

// Persisted to one file in the test directory: the reopen cases run too.
describeMvcc({
  name: 'reference KV (file)',
  open: ({ dir }) => openReferenceKV({ dir }),
  reopen: true,
});
