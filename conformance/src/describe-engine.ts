/**
 * describeEngine: registers the whole conformance suite for one engine with vitest. The
 * engine's capabilities are read once (from a throwaway engine) so that every gated test
 * is registered and visibly skipped with its reason, never silently left out.
 */
import { describe, it } from 'vitest';
import type { Capabilities } from '@tidekv/core';
import type { ResolvedOptions } from './case.js';
import { engineCases } from './cases/index.js';
import { DEFAULT_MODEL_RUNS, PASSES, type DescribeEngineOptions } from './options.js';
import { makeTempDir, removeDir, runCase } from './run-case.js';
import { assertCapabilities, assertDescribeOptions } from './validate-options.js';

export interface EngineProbe {
  capabilities: Capabilities;
  /** Keyspaces expose getSync (always so when syncReads; some engines read synchronously but cannot iterate so). */
  getSync: boolean;
}

/** Opens a throwaway engine to learn its capabilities, then closes it and removes its directory. */
export async function probeCapabilities(options: DescribeEngineOptions): Promise<Capabilities> {
  return (await probeEngine(options)).capabilities;
}

export async function probeEngine(options: DescribeEngineOptions): Promise<EngineProbe> {
  assertDescribeOptions(options);
  const dir = await makeTempDir();
  try {
    const engine = await options.open({ dir });
    try {
      assertCapabilities(engine.capabilities);
      const getSync = typeof engine.keyspace('default').getSync === 'function';
      return { capabilities: { ...engine.capabilities }, getSync };
    } finally {
      await engine.close();
    }
  } finally {
    await removeDir(dir);
  }
}

export function resolveOptions(
  options: DescribeEngineOptions,
  capabilities: Capabilities,
  getSync = false,
): ResolvedOptions {
  assertDescribeOptions(options);
  assertCapabilities(capabilities);
  return {
    ...options,
    reopen: options.reopen ?? capabilities.persistent,
    modelRuns: options.modelRuns ?? DEFAULT_MODEL_RUNS,
    getSync: getSync || capabilities.syncReads,
  };
}

export function describeEngine(options: DescribeEngineOptions): void {
  assertDescribeOptions(options);
  describe(`tidekv engine conformance: ${options.name}`, async () => {
    const { capabilities, getSync } = await probeEngine(options);
    const resolved = resolveOptions(options, capabilities, getSync);
    const cases = engineCases();
    for (const pass of PASSES) {
      describe(pass.label, () => {
        const groups = [...new Set(cases.map((c) => c.group))];
        for (const group of groups) {
          describe(group, () => {
            for (const testCase of cases.filter((c) => c.group === group)) {
              const reason = testCase.skip?.(capabilities, resolved, pass) || false;
              const title = reason ? `${testCase.name} (skipped: ${reason})` : testCase.name;
              it.skipIf(reason !== false)(title, () => runCase(testCase, resolved, pass), testCase.timeout);
            }
          });
        }
      });
    }
  });
}
