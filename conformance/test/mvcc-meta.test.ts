/**
 * Meta-tests for describeMvcc: the suite must REJECT stores with known bugs. Each broken
 * store runs every case; the cases named for its bug must be among the failures. The
 * reference KV runs through the same runner and must pass everything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mvccCases, openReferenceKV, resolveMvccOptions, runMvccCase, type DescribeMvccOptions } from '../src/index.js';
import { brokenKVs } from './broken-kvs.js';

// A broken store only has to fail: skip fast-check's shrinking, which a meta-test does not read.
fc.configureGlobal({ endOnFailure: true });

async function failingCases(options: DescribeMvccOptions): Promise<{ failed: Map<string, string>; ran: number }> {
  const resolved = resolveMvccOptions({ ...options, modelRuns: 10 });
  const failed = new Map<string, string>();
  let ran = 0;
  for (const testCase of mvccCases()) {
    if (testCase.skip?.(resolved)) continue;
    ran++;
    try {
      await runMvccCase(testCase, resolved);
    } catch (error) {
      failed.set(testCase.name, error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  }
  return { failed, ran };
}

describe('describeMvcc rejects broken stores', () => {
  it('names every expected failure after a case that exists', () => {
    const names = new Set(mvccCases().map((c) => c.name));
    for (const broken of brokenKVs) {
      expect(broken.mustFail.length, broken.name).toBeGreaterThan(0);
      for (const name of broken.mustFail) expect(names.has(name), `${broken.name}: no case named "${name}"`).toBe(true);
    }
  });

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
