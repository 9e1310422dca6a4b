import type { StorageEngine } from '@tidekv/core';

/** Where a test's engine lives: a fresh, empty temp directory per test (it may hold data on reopen). */
export interface EngineLocation {
  dir: string;
}

/** How the kill -9 crash test opens the engine in a child `node` process. */
export interface CrashOptions {
  /** Absolute path or file: URL of a BUILT module (e.g. the adapter's dist/index.js). */
  module: string;
  /** Name of the module's exported EngineFactory, e.g. 'levelEngine'. */
  factory: string;
  /** Extra open options; the child calls factory.open({ ...options, path }). Must be JSON-serialisable. */
  options?: Record<string, unknown>;
  /** 'dir' (default) passes the test directory as path; any other string is a file name joined onto it. */
  path?: 'dir' | string;
}

export interface DescribeEngineOptions {
  /** Shown as the name of the top-level describe block. */
  name: string;
  /** Opens the engine at `location.dir`. Called again on the same dir for reopen tests. */
  open: (location: EngineLocation) => Promise<StorageEngine>;
  /** Run the close/reopen persistence tests. Default: engine.capabilities.persistent. */
  reopen?: boolean;
  /** The kill -9 crash test; absent means the test is registered but skipped. */
  crash?: CrashOptions;
  /**
   * Why several engines may open one location at once (e.g. LMDB, multi-process by design).
   * Given, the lock cases (a second open fails LOCKED) are skipped with this reason.
   */
  sharedLocation?: string;
  /** fast-check runs for the model-based test. */
  modelRuns?: number;
}

/** The keyspace a pass runs in: the suite runs once in 'default' and once in a named keyspace. */
export interface Pass {
  label: string;
  keyspace: string;
}

export const PASSES: readonly Pass[] = [
  { label: 'default keyspace', keyspace: 'default' },
  { label: "keyspace 'conformance-pass-2'", keyspace: 'conformance-pass-2' },
];

export const DEFAULT_MODEL_RUNS = 40;
