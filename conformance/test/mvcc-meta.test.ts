/**
 * Meta-tests for describeMvcc: the suite must REJECT stores with known bugs. Each broken
 * store runs every case (or the groups its bug lives in); the cases named for its bug must
 * be among the failures. The reference KV runs through the same runner and must pass
 * everything; the durable reference KV passes the full-disk cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mvccCases, openReferenceKV, resolveMvccOptions, runMvccCase, type DescribeMvccOptions } from '../src/index.js';
import { brokenKVs } from './broken-kvs.js';
import { expectMustFailNamesExist, runEach, type Failures } from './run-each.js';

// A broken store only has to fail: skip fast-check's shrinking, which a meta-test does not read.
fc.configureGlobal({ endOnFailure: true });

const FULL_DISK = 'full disk';
const isRoot = process.getuid?.() === 0;

async function failingCases(options: DescribeMvccOptions, groups?: readonly string[]): Promise<Failures> {
  const resolved = resolveMvccOptions({ ...options, modelRuns: 10 });
  return runEach(
    mvccCases().filter((c) => !c.skip?.(resolved) && (!groups || groups.includes(c.group))),
    (testCase) => runMvccCase(testCase, resolved),
  );
}

describe('describeMvcc rejects broken stores', () => {
  it('names every expected failure after a case that exists', () => {
    expectMustFailNamesExist(mvccCases(), brokenKVs);
    expectMustFailNamesExist(mvccCases(), brokenKVs.filter((b) => b.mustPass).map((b) => ({ name: b.name, mustFail: b.mustPass! })));
  });

  it('passes the reference KV through the same runner (the runner itself is sound)', async () => {
    const { failed, ran } = await failingCases({ name: 'reference', open: ({ dir }) => openReferenceKV({ dir }), reopen: true });
    expect([...failed]).toEqual([]);
    // All but the full-disk cases: this reference writes its file on close only.
    expect(ran).toBe(mvccCases().filter((c) => c.group !== FULL_DISK).length);
  }, 300_000);

  it.skipIf(!isRoot)('passes the durable reference KV (a file write at every commit) through the full-disk cases', async () => {
    const { failed, ran } = await failingCases({ name: 'durable reference', open: ({ dir }) => openReferenceKV({ dir, durable: true }), reopen: true, fullDisk: true }, [FULL_DISK]);
    expect([...failed]).toEqual([]);
    expect(ran).toBe(mvccCases().filter((c) => c.group === FULL_DISK).length);
  }, 300_000);

  for (const broken of brokenKVs) {
    it.skipIf(broken.fullDisk === true && !isRoot)(`rejects "${broken.name}" (${broken.bug})`, async () => {
      const { failed, ran } = await failingCases({ name: broken.name, open: broken.open, reopen: true, fullDisk: broken.fullDisk ?? false }, broken.groups);
      console.log(`[mvcc meta] ${broken.name}: ${failed.size} of ${ran} cases fail, e.g. ${[...failed.keys()].slice(0, 3).join(' | ')}; "${broken.mustFail[0]}": ${failed.get(broken.mustFail[0]!)}`);
      expect(failed.size).toBeGreaterThan(0);
      for (const name of broken.mustFail) expect([...failed.keys()], `"${name}" must fail`).toContain(name);
      for (const name of broken.mustPass ?? []) expect([...failed.keys()], `"${name}" must pass (the bug shows in its variant only)`).not.toContain(name);
    }, 300_000);
  }
});
