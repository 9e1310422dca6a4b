import type { KV, MvccStoreOptions } from '@tidekv/core';

/** How a store removes compacted revisions: MvccStore's compactionBatchSize and compactionPauseMs. */
export interface MvccCompactionBatches {
  /** Revisions examined per batch of the physical removal. */
  batchSize: number;
  /** Pause between batches, in ms. */
  pauseMs: number;
}

/** Where a test's store lives: a fresh, empty temp directory per test (it holds data on reopen). */
export interface MvccLocation {
  dir: string;
  /**
   * Set by the small-batch compaction cases: open the store so that its physical removal of
   * compacted revisions runs in batches of this size, with this pause between them (so it
   * spans many batches while writers, readers and close() interleave). A store that removes
   * compacted revisions some other way ignores it.
   */
  compaction?: MvccCompactionBatches;
}

export interface DescribeMvccOptions {
  /** Shown as the name of the top-level describe block. */
  name: string;
  /** Opens a store at `location.dir`, an existing directory. Called again on the same dir by reopen cases. */
  open: (location: MvccLocation) => Promise<KV>;
  /** The store keeps its data across close + open of the same dir: run the reopen cases. Default false. */
  reopen?: boolean;
  /**
   * The store's hashKV follows tidekv's rule (see the core README), so its hashes must equal
   * the reference model's. Default true; false for implementations whose hash is their own
   * (a client of a real etcd), which still get the self-consistency checks.
   */
  hashParity?: boolean;
  /** The store's txn op limit (etcd's --max-txn-ops). Default 128. */
  maxTxnOps?: number;
  /** fast-check runs for the model-based test (default 25, sized for a 2-core machine). */
  modelRuns?: number;
  /** The store implements watch (WatchKV): run the watch cases. Default true. */
  watch?: boolean;
  /** The store implements leases (LeaseKV): run the lease cases. Default true. */
  leases?: boolean;
  /**
   * The store writes every commit to files under `dir` as it commits (not only on close), so
   * a full file system fails its commits: run the full-disk cases (as root, on a real 4 MiB
   * tmpfs). Default false.
   */
  fullDisk?: boolean;
}

export interface ResolvedMvccOptions extends DescribeMvccOptions {
  reopen: boolean;
  hashParity: boolean;
  maxTxnOps: number;
  modelRuns: number;
  watch: boolean;
  leases: boolean;
  fullDisk: boolean;
}

export const DEFAULT_MVCC_MODEL_RUNS = 25;

/**
 * MvccStore's options for `location.compaction` (none when it is unset), for an `open` that
 * builds an MvccStore: `MvccStore.open({ engine, wal, ...compactionOptions(location) })`.
 */
export function compactionOptions(location: MvccLocation): Pick<MvccStoreOptions, 'compactionBatchSize' | 'compactionPauseMs'> {
  return location.compaction ? { compactionBatchSize: location.compaction.batchSize, compactionPauseMs: location.compaction.pauseMs } : {};
}
