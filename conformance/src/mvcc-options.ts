import type { KV } from '@tidekv/core';

/** Where a test's store lives: a fresh, empty temp directory per test (it holds data on reopen). */
export interface MvccLocation {
  dir: string;
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
}

export interface ResolvedMvccOptions extends DescribeMvccOptions {
  reopen: boolean;
  hashParity: boolean;
  maxTxnOps: number;
  modelRuns: number;
  watch: boolean;
  leases: boolean;
}

export const DEFAULT_MVCC_MODEL_RUNS = 25;
