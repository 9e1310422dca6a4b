export { Wal, type AppendOptions } from './wal.js';
export type { AppendResult } from './group-commit.js';
export type { WalOptions, ResolvedWalOptions, WalSyncMode, WalRecoveryMode } from './options.js';
export type { WalRecoveryReport, WalDamage } from './report.js';
export type { WalRecord, ReplayOptions, WalReplay } from './replay.js';
export type { DamageReason } from './format.js';
