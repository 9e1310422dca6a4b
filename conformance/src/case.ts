import type { Capabilities, Keyspace, StorageEngine, WriteOp, Range } from '@tidekv/core';
import type { DescribeEngineOptions, Pass } from './options.js';

/** Options after defaults are resolved against the engine's capabilities. */
export interface ResolvedOptions extends DescribeEngineOptions {
  reopen: boolean;
  modelRuns: number;
  /** Keyspaces expose getSync: true whenever syncReads is, and for engines with getSync alone. */
  getSync: boolean;
}

/** What a case gets: a fresh engine in a fresh directory, in the keyspace of the current pass. */
export interface CaseContext {
  readonly options: ResolvedOptions;
  readonly pass: Pass;
  /** The test's own temp directory. */
  readonly dir: string;
  /** The engine currently open (replaced by reopen()). */
  readonly engine: StorageEngine;
  /** engine.keyspace(pass.keyspace). */
  readonly ks: Keyspace;
  readonly caps: Capabilities;
  /** Closes the current engine and opens the same location again. */
  reopen(): Promise<void>;
  /** Opens the location without touching the current engine; closed after the test. */
  openEngine(): Promise<StorageEngine>;
  /** Write ops aimed at the pass keyspace (pass 1 omits `keyspace`, exercising the default). */
  put(key: Uint8Array, value: Uint8Array): WriteOp;
  del(key: Uint8Array): WriteOp;
  delRange(range: Range): WriteOp;
}

export interface Case {
  group: string;
  name: string;
  /** A reason to skip (shown in the test name), or false to run; `pass` is the pass being registered. */
  skip?: (caps: Capabilities, options: ResolvedOptions, pass?: Pass) => string | false;
  run(ctx: CaseContext): Promise<void>;
  /** Per-test timeout in ms, for the few heavy cases. */
  timeout?: number;
}
