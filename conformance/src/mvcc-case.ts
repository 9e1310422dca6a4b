import type { KV } from '@tidekv/core';
import type { MvccCompactionBatches, MvccLocation, ResolvedMvccOptions } from './mvcc-options.js';

/** What an MVCC case gets: a fresh store in a fresh directory. */
export interface MvccCaseContext {
  readonly options: ResolvedMvccOptions;
  /** The test's own temp directory. */
  readonly dir: string;
  /** Where the store was opened: `dir`, and the case's compaction batches when it sets them. */
  readonly location: MvccLocation;
  /** The store currently open (replaced by reopen()). */
  readonly kv: KV;
  /** Closes the current store and opens the same directory again. */
  reopen(): Promise<void>;
}

export interface MvccCase {
  group: string;
  name: string;
  /** A reason to skip (shown in the test name), or false to run. */
  skip?: (options: ResolvedMvccOptions) => string | false;
  run(ctx: MvccCaseContext): Promise<void>;
  /** Per-test timeout in ms, for the few heavy cases. */
  timeout?: number;
  /** Open the store with these physical-compaction batches (MvccLocation.compaction). */
  compaction?: MvccCompactionBatches;
}

/** Skip functions for the capability gates. */
export const needsReopen = (o: ResolvedMvccOptions): string | false => (o.reopen ? false : 'options.reopen is false');
export const needsHashParity = (o: ResolvedMvccOptions): string | false => (o.hashParity ? false : 'options.hashParity is false');
export const needsWatch = (o: ResolvedMvccOptions): string | false => (o.watch ? false : 'options.watch is false');
export const needsLeases = (o: ResolvedMvccOptions): string | false => (o.leases ? false : 'options.leases is false');
export const needsFullDisk = (o: ResolvedMvccOptions): string | false =>
  !o.fullDisk ? 'options.fullDisk is false' : process.getuid?.() === 0 ? false : 'needs root to mount a tmpfs';
