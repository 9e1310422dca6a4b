/** Validation for describeMvcc's options: bad options fail early and clearly. */
import { TidekvError } from '@tidekv/core';
import type { MvccCase } from './mvcc-case.js';
import { assertCaseShape } from './validate-options.js';
import { DEFAULT_MVCC_MODEL_RUNS, type DescribeMvccOptions, type ResolvedMvccOptions } from './mvcc-options.js';

const fail = (message: string): never => {
  throw new TidekvError('INVALID_ARGUMENT', message);
};

const KNOWN = ['name', 'open', 'reopen', 'hashParity', 'maxTxnOps', 'modelRuns', 'watch', 'leases', 'fullDisk'];

export function assertMvccOptions(options: unknown): asserts options is DescribeMvccOptions {
  if (options === null || typeof options !== 'object') fail('describeMvcc() takes an options object');
  const o = options as DescribeMvccOptions;
  for (const name of Object.keys(o)) if (!KNOWN.includes(name)) fail(`describeMvcc(): unknown option '${name}'`);
  if (typeof o.name !== 'string' || o.name === '') fail('options.name must be a non-empty string');
  if (typeof o.open !== 'function') fail('options.open must be a function ({ dir }) => Promise<KV>');
  for (const flag of ['reopen', 'hashParity', 'watch', 'leases', 'fullDisk'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') fail(`options.${flag} must be a boolean`);
  }
  for (const count of ['maxTxnOps', 'modelRuns'] as const) {
    const value = o[count];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) fail(`options.${count} must be an integer >= 1`);
  }
}

export function resolveMvccOptions(options: DescribeMvccOptions): ResolvedMvccOptions {
  assertMvccOptions(options);
  return {
    ...options,
    reopen: options.reopen ?? false,
    hashParity: options.hashParity ?? true,
    maxTxnOps: options.maxTxnOps ?? 128,
    modelRuns: options.modelRuns ?? DEFAULT_MVCC_MODEL_RUNS,
    watch: options.watch ?? true,
    leases: options.leases ?? true,
    fullDisk: options.fullDisk ?? false,
  };
}

export function assertMvccCase(testCase: unknown): asserts testCase is MvccCase {
  assertCaseShape(testCase);
  const { compaction } = testCase as MvccCase;
  if (compaction !== undefined) {
    const { batchSize, pauseMs } = compaction;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || !Number.isSafeInteger(pauseMs) || pauseMs < 0) {
      fail('case.compaction must be { batchSize: integer >= 1, pauseMs: integer >= 0 }');
    }
  }
}
