import { fileURLToPath } from 'node:url';
import { describeEngine } from '@tidekv/conformance';
import { openSqlite } from '@tidekv/sqlite';

describeEngine({
  name: 'sqlite',
  open: ({ dir }) => openSqlite({ path: dir }),
  crash: {
    // The child process loads the built package: run `pnpm --filter @tidekv/sqlite build` first.
    module: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
    factory: 'sqliteEngine',
  },
});
