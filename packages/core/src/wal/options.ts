/** Options of Wal.open, their defaults and their validation. */
import { booleanOption, integerOption, numberOption, oneOfOption, optionsObject } from '../engine/options.js';
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

const KNOWN: ReadonlySet<string> = new Set(Object.keys(WAL_DEFAULTS));

export function resolveWalOptions(input: unknown): ResolvedWalOptions {
  if (input === undefined) return { ...WAL_DEFAULTS };
  const options = optionsObject(input, 'WAL', KNOWN);
  const d = WAL_DEFAULTS;
  return {
    sync: oneOfOption(options, 'sync', SYNC_MODES, d.sync),
    recovery: oneOfOption(options, 'recovery', RECOVERY_MODES, d.recovery),
    segmentBytes: integerOption(options, 'segmentBytes', d.segmentBytes, 4096, 2 ** 40),
    maxBatchBytes: integerOption(options, 'maxBatchBytes', d.maxBatchBytes, 1, 2 ** 31),
    maxDelayMs: numberOption(options, 'maxDelayMs', d.maxDelayMs, 0, 60_000),
    maxBatch: integerOption(options, 'maxBatch', d.maxBatch, 1, 2 ** 31, true),
    dedupWindow: integerOption(options, 'dedupWindow', d.dedupWindow, 0, 2 ** 26),
    maxRecordBytes: integerOption(options, 'maxRecordBytes', d.maxRecordBytes, 1, MAX_BODY_BYTES),
    preallocate: booleanOption(options, 'preallocate', d.preallocate),
  };
}
