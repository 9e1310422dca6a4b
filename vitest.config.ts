import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import workspace packages from source, so a test run never sees a stale build.
// The crash tests spawn plain Node processes, which load the built dist instead:
// `pnpm test` builds first for that reason.
export default defineConfig({
  resolve: {
    alias: {
      '@tidekv/core': src('./packages/core/src/index.ts'),
      '@tidekv/memory': src('./packages/memory/src/index.ts'),
      '@tidekv/level': src('./packages/level/src/index.ts'),
      '@tidekv/lmdb': src('./packages/lmdb/src/index.ts'),
      '@tidekv/sqlite': src('./packages/sqlite/src/index.ts'),
      '@tidekv/conformance': src('./conformance/src/index.ts'),
      '@tidekv/bench': src('./bench/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'conformance/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
