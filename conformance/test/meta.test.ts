/**
 * Meta-tests: the suite must REJECT engines with known bugs. Each broken engine runs every
 * case (except the crash test, which needs a built module) in the default keyspace; at least
 * one case must fail, and the cases named for that bug must be among the failures.
 */
import { describe, expect, it } from 'vitest';
import { PASSES, engineCases, openReference, probeCapabilities, resolveOptions, runCase, type DescribeEngineOptions } from '../src/index.js';
import { brokenEngines } from './broken-engines.js';

async function failingCases(options: DescribeEngineOptions): Promise<{ failed: Map<string, string>; ran: number }> {
  const capabilities = await probeCapabilities(options);
  const resolved = resolveOptions({ ...options, modelRuns: 10 }, capabilities);
  const failed = new Map<string, string>();
  let ran = 0;
  for (const testCase of engineCases(resolved)) {
    if (testCase.group === 'crash (kill -9)' || testCase.skip?.(capabilities, resolved)) continue;
    ran++;
    try {
      await runCase(testCase, resolved, PASSES[0]!);
    } catch (error) {
      failed.set(testCase.name, error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  }
  return { failed, ran };
}

describe('the suite rejects broken engines', () => {
  it('names every expected failure after a case that exists', () => {
    const names = new Set(engineCases().map((c) => c.name));
    for (const broken of brokenEngines) {
      expect(broken.mustFail.length, broken.name).toBeGreaterThan(0);
      for (const name of broken.mustFail) expect(names.has(name), `${broken.name}: no case named "${name}"`).toBe(true);
    }
  });

  it('passes the reference engine through the same runner (the runner itself is sound)', async () => {
    const { failed, ran } = await failingCases({ name: 'reference', open: () => openReference() });
    expect([...failed]).toEqual([]);
    expect(ran).toBeGreaterThan(250);
  }, 300_000);

  for (const broken of brokenEngines) {
    it(`rejects "${broken.name}" (${broken.bug})`, async () => {
      const { failed, ran } = await failingCases({ name: broken.name, open: broken.open });
      console.log(`[meta] ${broken.name}: ${failed.size} of ${ran} cases fail, e.g. ${[...failed.keys()].slice(0, 3).join(' | ')}`);
      expect(failed.size).toBeGreaterThan(0);
      for (const name of broken.mustFail) expect([...failed.keys()], `"${name}" must fail`).toContain(name);
    }, 300_000);
  }
});
