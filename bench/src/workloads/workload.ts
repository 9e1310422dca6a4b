/**
 * The shape of a workload. A workload prepares its data outside the timed region, hands the
 * runner one timed body, and checks afterwards that the work really happened.
 */
import type { LatencyHistogram } from '../stats/histogram.js';
import type { Durability, KvDriver, LogDriver, Variant } from '../driver.js';

export type WorkloadKind = 'engine' | 'log';

export interface WorkloadConfig {
  /** This workload's size (entries or operations), already scaled from --n. */
  n: number;
  valueSize: number;
  seed: number;
}

export interface PreparedRun {
  /** Operations the timed body performs (the ops/s numerator). */
  ops: number;
  /** User bytes (key + value) the timed body moves, for MB/s. */
  bytes: number;
  /** The timed region: records each operation's (or batch's per-operation) latency. */
  run(latency: LatencyHistogram): Promise<void>;
  /** Untimed: throws ValidationError when counts or checksums are wrong. */
  validate(): void | Promise<void>;
}

interface WorkloadBase {
  readonly name: string;
  /** One line for --help and the README. */
  readonly summary: string;
  /** This workload's size for a given --n (e.g. fillsync uses n / 100). */
  scale(n: number): number;
  /** True when the driver must be opened for durable commits. */
  readonly durable: boolean;
  durability(variant: Variant): Durability;
  /**
   * Runs per row when --runs is not given, for workloads whose every run builds a large
   * store before its timed part (a reopen of n records, a compaction of n revisions): three
   * of those cost as much as many runs of the others. Unset: DEFAULT_RUNS.
   */
  readonly defaultRuns?: number;
}

export interface EngineWorkload extends WorkloadBase {
  readonly kind: 'engine';
  prepare(driver: KvDriver, config: WorkloadConfig): Promise<PreparedRun>;
}

export interface LogWorkload extends WorkloadBase {
  readonly kind: 'log';
  prepare(driver: LogDriver, config: WorkloadConfig): Promise<PreparedRun>;
}

export type Workload = EngineWorkload | LogWorkload;

/** Scales --n down for slow workloads, never below `floor` (or n itself when n is smaller). */
export function scaled(divisor: number, floor = 100): (n: number) => number {
  return (n) => Math.max(Math.min(n, floor), Math.floor(n / divisor));
}

export const nonDurable = (): Durability => 'none';

/** What a definition may leave out: its kind, and durability when it measures no sync. */
type Defaults<W extends Workload> = Omit<W, 'kind' | 'durable' | 'durability'> & Partial<Pick<W, 'durable' | 'durability'>>;

/**
 * An engine workload. Unless it says otherwise it needs no durable driver and both its rows
 * run unsynced ('none'): it measures the engine's work, not fsync.
 */
export function engineWorkload(definition: Defaults<EngineWorkload>): EngineWorkload {
  return { kind: 'engine', durable: false, durability: nonDurable, ...definition };
}

/** A log workload, with the same defaults as engineWorkload. */
export function logWorkload(definition: Defaults<LogWorkload>): LogWorkload {
  return { kind: 'log', durable: false, durability: nonDurable, ...definition };
}
