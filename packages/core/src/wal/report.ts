/** What opening the log found and did about it: `wal.recovery`. */
import type { DamageReason } from './format.js';
import type { WalRecoveryMode } from './options.js';

export interface WalDamage {
  /** Segment file name (or CHECKPOINT). */
  segment: string;
  /** Byte offset of the first damaged byte in that file. */
  offset: number;
  /** How many bytes the damage spans (to where valid records resume, or to the end of the file). */
  bytes: number;
  reason: DamageReason;
  /**
   * 'truncated': a torn tail cut off; 'dropped': point-in-time recovery stopped here and
   * discarded everything after; 'skipped': salvage stepped over it and kept what follows.
   */
  action: 'truncated' | 'dropped' | 'skipped';
  /** The LSNs that are missing because of this damage, when known. */
  lostLsns: { from: number; to: number } | undefined;
}

export interface WalRecoveryReport {
  mode: WalRecoveryMode;
  /** True when nothing was damaged, truncated, dropped or skipped. */
  clean: boolean;
  checkpointLsn: number;
  /** First and last LSN readable with replay(); firstLsn > lastLsn when the log holds no records. */
  firstLsn: number;
  lastLsn: number;
  records: number;
  segments: number;
  damage: WalDamage[];
  /** Valid records discarded: after the stop point (point-in-time) or in a torn final group (tolerate-tail). */
  droppedRecords: number;
  /** Whole segments set aside as `<name>.broken` (point-in-time, salvage) instead of being replayed. */
  droppedSegments: string[];
  /** Leftovers removed: temp files of an interrupted rotation or checkpoint, empty torn segments, checkpointed segments. */
  removedFiles: string[];
}
