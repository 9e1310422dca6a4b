/**
 * Runs one MVCC case: a fresh temp directory, a store opened on it, and cleanup that closes
 * every store the case opened and removes the directory even when the case fails.
 */
import type { KV } from '@tidekv/core';
import type { MvccCase, MvccCaseContext } from './mvcc-case.js';
import type { MvccLocation, ResolvedMvccOptions } from './mvcc-options.js';
import { closeAll, inTempDir } from './run-case.js';
import { assertMvccCase, assertMvccOptions } from './validate-mvcc-options.js';

class Context implements MvccCaseContext {
  readonly #opened: KV[] = [];
  #kv: KV | undefined;

  constructor(
    readonly options: ResolvedMvccOptions,
    readonly location: MvccLocation,
  ) {}

  get dir(): string {
    return this.location.dir;
  }

  get kv(): KV {
    if (!this.#kv) throw new Error('conformance: the store is not open yet');
    return this.#kv;
  }

  async open(): Promise<void> {
    const kv = await this.options.open({ ...this.location });
    this.#opened.push(kv);
    this.#kv = kv;
  }

  async reopen(): Promise<void> {
    await this.#kv?.close();
    await this.open();
  }

  dispose(): Promise<unknown> {
    return closeAll(this.#opened);
  }
}

export async function runMvccCase(testCase: MvccCase, options: ResolvedMvccOptions): Promise<void> {
  assertMvccCase(testCase);
  assertMvccOptions(options);
  let ctx: Context | undefined;
  await inTempDir(
    async (dir) => {
      ctx = new Context(options, testCase.compaction ? { dir, compaction: { ...testCase.compaction } } : { dir });
      await ctx.open();
      await testCase.run(ctx);
    },
    async () => ctx?.dispose(),
  );
}
