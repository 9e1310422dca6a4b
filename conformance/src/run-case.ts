/**
 * Runs one case: a fresh temp directory, an engine opened on it, and cleanup that closes
 * every engine the case opened and removes the directory even when the case fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keyspace, Range, StorageEngine, WriteOp } from '@tidekv/core';
import type { Case, CaseContext, ResolvedOptions } from './case.js';
import type { Pass } from './options.js';
import { assertCase, assertDescribeOptions, assertPass } from './validate-options.js';

class Context implements CaseContext {
  readonly #opened: StorageEngine[] = [];
  #engine: StorageEngine | undefined;
  #ks: Keyspace | undefined;

  constructor(
    readonly options: ResolvedOptions,
    readonly pass: Pass,
    readonly dir: string,
  ) {}

  get engine(): StorageEngine {
    if (!this.#engine) throw new Error('conformance: the engine is not open yet');
    return this.#engine;
  }

  get ks(): Keyspace {
    if (!this.#ks) throw new Error('conformance: the engine is not open yet');
    return this.#ks;
  }

  get caps() {
    return this.engine.capabilities;
  }

  async openEngine(): Promise<StorageEngine> {
    const engine = await this.options.open({ dir: this.dir });
    this.#opened.push(engine);
    return engine;
  }

  async init(): Promise<void> {
    this.#engine = await this.openEngine();
    this.#ks = this.#engine.keyspace(this.pass.keyspace);
  }

  async reopen(): Promise<void> {
    await this.#engine?.close();
    await this.init();
  }

  #target(): { keyspace?: string } {
    return this.pass.keyspace === 'default' ? {} : { keyspace: this.pass.keyspace };
  }

  put(key: Uint8Array, value: Uint8Array): WriteOp {
    return { type: 'put', key, value, ...this.#target() };
  }

  del(key: Uint8Array): WriteOp {
    return { type: 'del', key, ...this.#target() };
  }

  delRange(range: Range): WriteOp {
    return { type: 'delRange', range, ...this.#target() };
  }

  /** Closes everything the case opened; the first close error is reported. */
  dispose(): Promise<unknown> {
    return closeAll(this.#opened);
  }
}

/** Closes every store a case opened, the last opened first, all of them even after a failure; returns the first failure. */
export async function closeAll(opened: { close(): Promise<unknown> }[]): Promise<unknown> {
  let failure: unknown;
  for (const store of opened.reverse()) {
    try {
      await store.close();
    } catch (error) {
      failure ??= error;
    }
  }
  return failure;
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tidekv-conformance-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/**
 * Runs `body` in a fresh temp directory, then `dispose` (which returns its first close error,
 * if any) and removes the directory, even when the body fails.
 */
export async function inTempDir(body: (dir: string) => Promise<void>, dispose: () => Promise<unknown>): Promise<void> {
  const dir = await makeTempDir();
  let failed = false;
  try {
    await body(dir);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const closeError = await dispose();
    await removeDir(dir);
    // A close failure only surfaces when the body itself passed, so it never hides the real error.
    if (closeError !== undefined && !failed) throw closeError;
  }
}

export async function runCase(testCase: Case, options: ResolvedOptions, pass: Pass): Promise<void> {
  assertCase(testCase);
  assertDescribeOptions(options);
  assertPass(pass);
  let ctx: Context | undefined;
  await inTempDir(
    async (dir) => {
      ctx = new Context(options, pass, dir);
      await ctx.init();
      await testCase.run(ctx);
    },
    async () => ctx?.dispose(),
  );
}
