import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The mutation run's test set: the conformance suite against memory, nothing else, from
// source (mutants live in the sources), with a fixed seed so every mutant meets the same
// random model sequences.
export default defineConfig({
  root: src('..'),
  resolve: {
    alias: {
      '@tidekv/core': src('../packages/core/src/index.ts'),
      '@tidekv/memory': src('../packages/memory/src/index.ts'),
      '@tidekv/conformance': src('../conformance/src/index.ts'),
    },
  },
  test: {
    include: ['mutation/**/*.mutation.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TIDEKV_SEED: '20261127' },
  },
});
