/**
 * Meta-tests: the suite must REJECT engines with known bugs. Each broken engine runs every
 * case (except the crash test, which has its own meta-tests below, on the built package) in
 * the default keyspace; at least one case must fail, and the cases named for that bug must be
 * among the failures.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  PASSES,
  engineCases,
  openReference,
  probeCapabilities,
  referenceEngine,
  resolveOptions,
  runCase,
  type DescribeEngineOptions,
} from '../src/index.js';
import { brokenEngines } from './broken-engines.js';
import { expectMustFailNamesExist, runEach, type Failures } from './run-each.js';

async function failingCases(options: DescribeEngineOptions): Promise<Failures> {
  const capabilities = await probeCapabilities(options);
  const resolved = resolveOptions({ ...options, modelRuns: 10 }, capabilities);
  const cases = engineCases().filter((c) => c.group !== 'crash (kill -9)' && !c.skip?.(capabilities, resolved));
  return runEach(cases, (testCase) => runCase(testCase, resolved, PASSES[0]!));
}

describe('the suite rejects broken engines', () => {
  it('names every expected failure after a case that exists', () => expectMustFailNamesExist(engineCases(), brokenEngines));

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
      if (broken.onlyGroup !== undefined) {
        const inGroup = new Set(engineCases().filter((c) => c.group === broken.onlyGroup).map((c) => c.name));
        expect([...failed.keys()].filter((name) => !inGroup.has(name)), `only "${broken.onlyGroup}" may catch it`).toEqual([]);
      }
    }, 300_000);
  }
});

describe('the crash tests reject engines that acknowledge writes before they are durable', () => {
  const builtReference = fileURLToPath(new URL('../dist/reference.js', import.meta.url));
  const fixture = fileURLToPath(new URL('./fixtures/durability-broken-engines.mjs', import.meta.url));

  async function crashFailures(module: string, factory: string): Promise<string[]> {
    const options: DescribeEngineOptions = {
      name: factory,
      open: ({ dir }) => openReference({ path: join(dir, 'crash.db') }),
      crash: { module, factory, path: 'crash.db' },
    };
    const resolved = resolveOptions(options, { ...referenceEngine.capabilities, persistent: true });
    const cases = engineCases().filter((c) => c.group === 'crash (kill -9)');
    const { failed } = await runEach(cases, (testCase) => runCase(testCase, resolved, PASSES[0]!));
    return [...failed].map(([name, message]) => `${name}: ${message}`);
  }

  it('the built reference engine passes every crash case (control)', async () => {
    expect(await crashFailures(builtReference, 'referenceEngine')).toEqual([]);
  }, 300_000);

  const DELETE_BATCHES = 'killed during write() batches of one del or delRange with sync';
  // [test, factory in the fixture, log label, the crash cases (by name) that must fail, in order]
  const brokenDurability: [string, string, string, string[]][] = [
    [
      'an engine whose flush() persists nothing fails both flush-based crash cases',
      'flushIgnoredEngine',
      'flush ignored',
      ['killed while writing batches', 'data written, flushed, then the process is killed', 'killed while flushes overlap'],
    ],
    [
      'an engine that ignores { sync: true } fails the sync crash cases of write()',
      'syncIgnoredEngine',
      'sync ignored',
      ['killed while writing with sync', DELETE_BATCHES],
    ],
    [
      'an engine that drops { sync: true } on write() batches without a put fails the delete-batch crash case',
      'deleteBatchSyncIgnoredEngine',
      'delete batch sync ignored',
      [DELETE_BATCHES],
    ],
    [
      'an engine whose put, del and clear drop { sync: true } fails the three single-operation crash cases',
      'keyspaceSyncIgnoredEngine',
      'keyspace sync ignored',
      ['killed during single put(..., { sync', 'killed during single del(..., { sync', 'killed during clear(range, { sync'],
    ],
    [
      'an engine whose flush() joins one already in flight fails the overlapping-flush crash case',
      'joinedFlushEngine',
      'joined flush',
      ['killed while flushes overlap'],
    ],
  ];
  for (const [title, factory, label, mustFail] of brokenDurability) {
    it(title, async () => {
      const failures = await crashFailures(fixture, factory);
      console.log(`[meta] ${label}: ${failures.join(' | ')}`);
      expect(failures.map((f) => f.split(':')[0])).toEqual(mustFail);
    }, 300_000);
  }

  it('a crash module that does not exist fails with a message saying to build first', async () => {
    const failures = await crashFailures(join(tmpdir(), 'tidekv-no-such-module', 'index.js'), 'referenceEngine');
    expect(failures).toHaveLength(8);
    for (const failure of failures) expect(failure).toContain('build it first');
  }, 60_000);

  it('a module without the named factory makes the child fail loudly', async () => {
    const failures = await crashFailures(builtReference, 'noSuchFactory');
    expect(failures).toHaveLength(8);
    for (const failure of failures) expect(failure).toContain('exited by itself');
  }, 60_000);
});
