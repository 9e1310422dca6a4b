/**
 * What a workload talks to. The adapter (through the StorageEngine contract) and each raw
 * native library implement the same small interface, each through its fastest path, so one
 * workload file measures both sides of every ratio.
 */
import type { StorageEngine, WriteOp } from '@tidekv/core';

/** How durable an acknowledged write is: 'none' (may be lost on a crash), 'sync' (fsynced per commit), 'group' (fsynced, commits grouped). */
export type Durability = 'none' | 'sync' | 'group';
export type Variant = 'adapter' | 'raw';

/** A batch entry: the shape both the tidekv contract and abstract-level accept. */
export type BatchOp = Extract<WriteOp, { type: 'put' } | { type: 'del' }>;

export interface ScanOptions {
  /** Start at the first key >= gte (forward) / the last key <= lte (reverse). */
  gte?: Uint8Array;
  lte?: Uint8Array;
  reverse?: boolean;
  limit?: number;
}

export type Visit = (key: Uint8Array, value: Uint8Array) => void;

export interface Cursor {
  /** Visits up to `max` further entries; returns how many (0 = the end). */
  read(max: number, visit: Visit): number | Promise<number>;
  close(): void | Promise<void>;
}

/** What an MVCC workload needs to build an MvccStore over the adapter's engine (adapter drivers only). */
export interface MvccHost {
  engine: StorageEngine;
  /** A directory of the run's own for the store's WAL. */
  walDir: string;
  /** Opens the same engine again (after the store closed it), for the reopen workload. */
  reopen(): Promise<StorageEngine>;
}

export interface KvDriver {
  /** Present on tidekv adapter drivers: the MVCC workloads run an MvccStore over this engine. */
  readonly mvcc?: MvccHost;
  /** Present when the engine can read synchronously: workloads then never await a read. */
  readonly getSync?: ((key: Uint8Array) => Uint8Array | undefined) | undefined;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Optional: brackets a read-only phase (SQLite runs it inside one read transaction). */
  beginReads?(): void;
  endReads?(): void;
  /** A single write; a returned promise is awaited, a sync driver returns undefined. */
  put(key: Uint8Array, value: Uint8Array, sync: boolean): void | Promise<void>;
  del(key: Uint8Array, sync: boolean): void | Promise<void>;
  /** One atomic batch. */
  write(ops: readonly BatchOp[], sync: boolean): void | Promise<void>;
  cursor(options: ScanOptions): Cursor;
  close(): Promise<void>;
}

export interface LogDriver {
  /** Resolves once the record is as durable as the driver promises. */
  append(payload: Uint8Array): void | Promise<unknown>;
  /** Replays every record from the start; returns the record count. */
  replay(visit: (payload: Uint8Array) => void): Promise<number>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A fresh, empty directory owned by this run. */
  dir: string;
  /** True when the workload needs durable commits (fillsync, WAL appends). */
  durable: boolean;
}

/** One side of a comparison: the tidekv adapter, or a raw library used directly. */
export interface Subject<D> {
  variant: Variant;
  /** What is measured, e.g. 'tidekv adapter', 'classic-level 3.0.0'. */
  label: string;
  /** The row's comparison role: a 'reference' subject is reported but is not the ratio's denominator. */
  role: 'primary' | 'reference';
  /** How writes are made durable in this subject (shown with the row). */
  note?: string;
  /** Workloads this subject does not run (e.g. where it would only measure its own known O(n²) case). */
  skips?: readonly string[];
  /** When present, the only workloads this subject runs. */
  runsOnly?: readonly string[];
  open(options: OpenOptions): Promise<D>;
}
