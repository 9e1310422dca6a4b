/** Options of Wal.open, their defaults and their validation. */
import { TidekvError } from '../errors.js';
import { describeValue } from '../engine/describe.js';
import { MAX_BODY_BYTES } from './format.js';

export type WalSyncMode = 'always' | 'group' | 'none';
export type WalRecoveryMode = 'strict' | 'tolerate-tail' | 'point-in-time' | 'salvage';

export interface WalOptions {
  /**
   * 'group' (default): append resolves after the record's group is written and fdatasync'd;
   * concurrent appends share one write + one fdatasync. 'always': every record gets its own
   * write + fdatasync (same guarantee, no sharing). 'none': append resolves once the bytes
   * are handed to the OS: survives a process crash, not a power loss.
   */
  sync?: WalSyncMode;
  /** What to do with damage found on open; see the README. Default 'tolerate-tail'. */
  recovery?: WalRecoveryMode;
  /** A segment is rotated once it would grow past this size. Default 64 MiB. */
  segmentBytes?: number;
  /** Upper bound on the bytes one commit group writes. Default 1 MiB. */
  maxBatchBytes?: number;
  /** >0: wait up to this long for a group to fill before writing it (fixed batching). Default 0. */
  maxDelayMs?: number;
  /** Upper bound on the records in one commit group. Default Infinity. */
  maxBatch?: number;
  /** >0: remember at least this many idempotency ids (and at most twice as many). Default 0. */
  dedupWindow?: number;
  /** Largest id + payload accepted by append. Default 16 MiB. */
  maxRecordBytes?: number;
  /**
   * Prepare the next segment ahead, zero-filled to segmentBytes, so appends overwrite
   * allocated space and fdatasync has no file-size change to commit. Costs writing each
   * segment twice; it showed no reliable gain on the disks tidekv was measured on, so it is
   * off by default (segments up to 256 MiB).
   */
  preallocate?: boolean;
}

export interface ResolvedWalOptions {
  sync: WalSyncMode;
  recovery: WalRecoveryMode;
  segmentBytes: number;
  maxBatchBytes: number;
  maxDelayMs: number;
  maxBatch: number;
  dedupWindow: number;
  maxRecordBytes: number;
  preallocate: boolean;
}

const SYNC_MODES: readonly WalSyncMode[] = ['always', 'group', 'none'];
const RECOVERY_MODES: readonly WalRecoveryMode[] = ['strict', 'tolerate-tail', 'point-in-time', 'salvage'];

export const WAL_DEFAULTS: ResolvedWalOptions = {
  sync: 'group',
  recovery: 'tolerate-tail',
  segmentBytes: 64 << 20,
  maxBatchBytes: 1 << 20,
  maxDelayMs: 0,
  maxBatch: Infinity,
  dedupWindow: 0,
  maxRecordBytes: 16 << 20,
  preallocate: false,
};

function integerIn(options: Record<string, unknown>, name: keyof ResolvedWalOptions, min: number, max: number, allowInfinity = false): number {
  const value = options[name];
  if (value === undefined) return WAL_DEFAULTS[name] as number;
  const ok =
    typeof value === 'number' &&
    ((allowInfinity && value === Infinity) || (Number.isInteger(value) && value >= min && value <= max));
  if (!ok) {
    throw new TidekvError(
      'INVALID_OPTION',
      `options.${name} must be an integer from ${min} to ${max}${allowInfinity ? ' or Infinity' : ''}, got ${describeValue(value)}`,
    );
  }
  return value;
}

function oneOf<T extends string>(options: Record<string, unknown>, name: string, allowed: readonly T[], fallback: T): T {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new TidekvError('INVALID_OPTION', `options.${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

function booleanOption(options: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TidekvError('INVALID_OPTION', `options.${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

export function resolveWalOptions(input: unknown): ResolvedWalOptions {
  if (input === undefined) return { ...WAL_DEFAULTS };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TidekvError('INVALID_OPTION', `WAL options must be an object, got ${describeValue(input)}`);
  }
  const options = input as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!(name in WAL_DEFAULTS)) throw new TidekvError('INVALID_OPTION', `unknown WAL option '${name}'`);
  }
  const maxDelayMs = options.maxDelayMs ?? 0;
  if (typeof maxDelayMs !== 'number' || !Number.isFinite(maxDelayMs) || maxDelayMs < 0 || maxDelayMs > 60_000) {
    throw new TidekvError('INVALID_OPTION', `options.maxDelayMs must be a number from 0 to 60000, got ${describeValue(maxDelayMs)}`);
  }
  return {
    sync: oneOf(options, 'sync', SYNC_MODES, WAL_DEFAULTS.sync),
    recovery: oneOf(options, 'recovery', RECOVERY_MODES, WAL_DEFAULTS.recovery),
    segmentBytes: integerIn(options, 'segmentBytes', 4096, 2 ** 40),
    maxBatchBytes: integerIn(options, 'maxBatchBytes', 1, 2 ** 31),
    maxDelayMs,
    maxBatch: integerIn(options, 'maxBatch', 1, 2 ** 31, true),
    dedupWindow: integerIn(options, 'dedupWindow', 0, 2 ** 26),
    maxRecordBytes: integerIn(options, 'maxRecordBytes', 1, MAX_BODY_BYTES),
    preallocate: booleanOption(options, 'preallocate', WAL_DEFAULTS.preallocate),
  };
}
