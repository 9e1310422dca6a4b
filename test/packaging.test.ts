/**
 * What users install: every published package's exports map resolves, for `import` and for
 * `require`, to built files that expose the same names, with type declarations beside them.
 * Runs plain Node in a child process, so it sees the dist that `pnpm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['packages/core', 'packages/memory', 'packages/level', 'packages/lmdb', 'packages/sqlite', 'conformance'];

/** Resolves the package by name from the bench package, which depends on all of them. */
const probe = `
const { createRequire } = require('node:module');
const name = process.argv[1];
const req = createRequire(process.argv[2] + '/package.json');
const cjs = req(name);
import(req.resolve(name).replace(/index\\.cjs$/, 'index.js')).then((esm) => {
  console.log(JSON.stringify({ cjs: Object.keys(cjs).sort(), esm: Object.keys(esm).filter((k) => k !== 'default').sort(), resolved: req.resolve(name) }));
});
`;

describe.each(PACKAGES)('%s package', (dir) => {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));

  it('declares ESM, CJS and types in its exports map, all built', () => {
    const entry = pkg.exports['.'];
    for (const path of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) {
      expect(existsSync(join(root, dir, path)), `${dir}/${path}`).toBe(true);
    }
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20.15');
  });

  // The conformance suite imports vitest, so it only loads inside a vitest run.
  it.skipIf(pkg.name === '@tidekv/conformance')('loads the same names through require and import', () => {
    const host = join(root, 'bench');
    const run = spawnSync(process.execPath, ['-e', probe, pkg.name, host], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { cjs, esm, resolved } = JSON.parse(run.stdout);
    expect(resolved).toContain(join(dir, 'dist/index.cjs'));
    expect(cjs.length).toBeGreaterThan(0);
    expect(esm).toEqual(cjs);
  });
});
