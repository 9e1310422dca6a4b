/**
 * describeEngine: registers the whole conformance suite for one engine with vitest. The
 * engine's capabilities are read once (from a throwaway engine) so that every gated test
 * is registered and visibly skipped with its reason, never silently left out.
 */
import { describe, it } from 'vitest';
import { TidekvError, type Capabilities } from '@tidekv/core';
import type { ResolvedOptions } from './case.js';
import { engineCases } from './cases/index.js';
import { DEFAULT_MODEL_RUNS, PASSES, type DescribeEngineOptions } from './options.js';
import { makeTempDir, removeDir, runCase } from './run-case.js';

function assertDescribeOptions(options: unknown): asserts options is DescribeEngineOptions {
  if (options === null || typeof options !== 'object') {
    throw new TidekvError('INVALID_ARGUMENT', 'describeEngine() takes an options object');
  }
  const { name, open, reopen, crash, modelRuns } = options as DescribeEngineOptions;
  if (typeof name !== 'string' || name === '') throw new TidekvError('INVALID_ARGUMENT', 'options.name must be a non-empty string');
  if (typeof open !== 'function') throw new TidekvError('INVALID_ARGUMENT', 'options.open must be a function ({ dir }) => Promise<StorageEngine>');
  if (reopen !== undefined && typeof reopen !== 'boolean') throw new TidekvError('INVALID_ARGUMENT', 'options.reopen must be a boolean');
  if (modelRuns !== undefined && !(Number.isInteger(modelRuns) && modelRuns >= 1)) {
    throw new TidekvError('INVALID_ARGUMENT', 'options.modelRuns must be an integer >= 1');
  }
  if (crash !== undefined) {
    if (crash === null || typeof crash !== 'object') throw new TidekvError('INVALID_ARGUMENT', 'options.crash must be an object');
    if (typeof crash.module !== 'string' || crash.module === '') throw new TidekvError('INVALID_ARGUMENT', 'options.crash.module must be a path or file: URL');
    if (typeof crash.factory !== 'string' || crash.factory === '') throw new TidekvError('INVALID_ARGUMENT', 'options.crash.factory must be an export name');
    if (crash.path !== undefined && (typeof crash.path !== 'string' || crash.path === '')) {
      throw new TidekvError('INVALID_ARGUMENT', "options.crash.path must be 'dir' or a file name");
    }
    if (crash.options !== undefined && (crash.options === null || typeof crash.options !== 'object')) {
      throw new TidekvError('INVALID_ARGUMENT', 'options.crash.options must be an object');
    }
  }
}

/** Opens a throwaway engine to learn its capabilities, then closes it and removes its directory. */
export async function probeCapabilities(options: DescribeEngineOptions): Promise<Capabilities> {
  const dir = await makeTempDir();
  try {
    const engine = await options.open({ dir });
    try {
      return { ...engine.capabilities };
    } finally {
      await engine.close();
    }
  } finally {
    await removeDir(dir);
  }
}

export function resolveOptions(options: DescribeEngineOptions, capabilities: Capabilities): ResolvedOptions {
  return { ...options, reopen: options.reopen ?? capabilities.persistent, modelRuns: options.modelRuns ?? DEFAULT_MODEL_RUNS };
}

export function describeEngine(options: DescribeEngineOptions): void {
  assertDescribeOptions(options);
  describe(`tidekv engine conformance: ${options.name}`, async () => {
    const capabilities = await probeCapabilities(options);
    const resolved = resolveOptions(options, capabilities);
    const cases = engineCases(resolved);
    for (const pass of PASSES) {
      describe(pass.label, () => {
        const groups = [...new Set(cases.map((c) => c.group))];
        for (const group of groups) {
          describe(group, () => {
            for (const testCase of cases.filter((c) => c.group === group)) {
              const reason = testCase.skip?.(capabilities, resolved) || false;
              const title = reason ? `${testCase.name} (skipped: ${reason})` : testCase.name;
              it.skipIf(reason !== false)(title, () => runCase(testCase, resolved, pass), testCase.timeout);
            }
          });
        }
      });
    }
  });
}
