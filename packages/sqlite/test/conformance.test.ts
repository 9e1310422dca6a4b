import { describeEngine } from '@tidekv/conformance';
import { openSqlite } from '@tidekv/sqlite';
import { DIST } from './helpers.js';

// The crash case's child process loads the built package: run `pnpm --filter @tidekv/sqlite build` first.
describeEngine({ name: 'sqlite', open: ({ dir }) => openSqlite({ path: dir }), crash: { module: DIST, factory: 'sqliteEngine' } });
