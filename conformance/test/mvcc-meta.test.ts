/**
 * Meta-tests for describeMvcc: the suite must REJECT stores with known bugs. Each broken
 * store runs every case; the cases named for its bug must be among the failures. The
 * reference KV runs through the same runner and must pass everything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mvccCases, openReferenceKV, resolveMvccOptions, runMvccCase, type DescribeMvccOptions } from '../src/index.js';
import { brokenKVs } from './broken-kvs.js';
import { expectMustFailNamesExist, runEach, type Failures } from './run-each.js';

// A broken store only has to fail: skip fast-check's shrinking, which a meta-test does not read.
fc.configureGlobal({ endOnFailure: true });

async function failingCases(options: DescribeMvccOptions): Promise<Failures> {
  const resolved = resolveMvccOptions({ ...options, modelRuns: 10 });
  return runEach(
    mvccCases().filter((c) => !c.skip?.(resolved)),
    (testCase) => runMvccCase(testCase, resolved),
  );
}

describe('describeMvcc rejects broken stores', () => {
  it('names every expected failure after a case that exists', () => expectMustFailNamesExist(mvccCases(), brokenKVs));

  it('passes the reference KV through the same runner (the runner itself is sound)', async () => {
    const { failed, ran } = await failingCases({ name: 'reference', open: ({ dir }) => openReferenceKV({ dir }), reopen: true });
    expect([...failed]).toEqual([]);
    expect(ran).toBe(mvccCases().length);
  }, 300_000);

  for (const broken of brokenKVs) {
    it(`rejects "${broken.name}" (${broken.bug})`, async () => {
      const { failed, ran } = await failingCases({ name: broken.name, open: broken.open, reopen: true });
      console.log(`[mvcc meta] ${broken.name}: ${failed.size} of ${ran} cases fail, e.g. ${[...failed.keys()].slice(0, 3).join(' | ')}`);
      expect(failed.size).toBeGreaterThan(0);
      for (const name of broken.mustFail) expect([...failed.keys()], `"${name}" must fail`).toContain(name);
    }, 300_000);
  }
});
