/** Validation for the suite's own public functions: bad options fail early and clearly. */
import { TidekvError, assertKeyspaceName, type Capabilities } from '@tidekv/core';
import type { Case } from './case.js';
import type { DescribeEngineOptions, Pass } from './options.js';

const fail = (message: string): never => {
  throw new TidekvError('INVALID_ARGUMENT', message);
};

export function assertDescribeOptions(options: unknown): asserts options is DescribeEngineOptions {
  if (options === null || typeof options !== 'object') fail('describeEngine() takes an options object');
  const { name, open, reopen, crash, modelRuns, sharedLocation } = options as DescribeEngineOptions;
  if (typeof name !== 'string' || name === '') fail('options.name must be a non-empty string');
  if (typeof open !== 'function') fail('options.open must be a function ({ dir }) => Promise<StorageEngine>');
  if (reopen !== undefined && typeof reopen !== 'boolean') fail('options.reopen must be a boolean');
  if (modelRuns !== undefined && !(Number.isInteger(modelRuns) && modelRuns >= 1)) fail('options.modelRuns must be an integer >= 1');
  if (sharedLocation !== undefined && (typeof sharedLocation !== 'string' || sharedLocation === '')) {
    fail('options.sharedLocation must be a non-empty string saying why the location may be shared');
  }
  if (crash === undefined) return;
  if (crash === null || typeof crash !== 'object') fail('options.crash must be an object');
  if (typeof crash.module !== 'string' || crash.module === '') fail('options.crash.module must be a path or file: URL');
  if (typeof crash.factory !== 'string' || crash.factory === '') fail('options.crash.factory must be an export name');
  if (crash.path !== undefined && (typeof crash.path !== 'string' || crash.path === '')) fail("options.crash.path must be 'dir' or a file name");
  if (crash.options !== undefined && (crash.options === null || typeof crash.options !== 'object' || Array.isArray(crash.options))) {
    fail('options.crash.options must be an object');
  }
}

export function assertCapabilities(capabilities: unknown): asserts capabilities is Capabilities {
  if (capabilities === null || typeof capabilities !== 'object') fail('engine.capabilities must be an object');
  const caps = capabilities as Capabilities;
  for (const flag of ['persistent', 'syncReads', 'snapshots'] as const) {
    if (typeof caps[flag] !== 'boolean') fail(`capabilities.${flag} must be a boolean`);
  }
  for (const limit of ['maxKeySize', 'maxValueSize'] as const) {
    const value = caps[limit];
    if (typeof value !== 'number' || !(value === Infinity || (Number.isInteger(value) && value >= 1))) {
      fail(`capabilities.${limit} must be an integer >= 1 or Infinity`);
    }
  }
}

export function assertCase(testCase: unknown): asserts testCase is Case {
  assertCaseShape(testCase);
}

/** What a case of either suite (engine or MVCC) is: a group, a name, run(ctx) and maybe skip(). */
export function assertCaseShape(testCase: unknown): void {
  if (testCase === null || typeof testCase !== 'object') fail('a case must be an object');
  const { group, name, run, skip } = testCase as Case;
  if (typeof group !== 'string' || typeof name !== 'string' || typeof run !== 'function') {
    fail('a case needs a string group, a string name and a run(ctx) function');
  }
  if (skip !== undefined && typeof skip !== 'function') fail('case.skip must be a function');
}

export function assertPass(pass: unknown): asserts pass is Pass {
  if (pass === null || typeof pass !== 'object' || typeof (pass as Pass).label !== 'string') fail('a pass needs a label and a keyspace');
  assertKeyspaceName((pass as Pass).keyspace);
}
