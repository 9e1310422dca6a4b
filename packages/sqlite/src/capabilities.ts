import type { Capabilities } from '@tidekv/core';

/**
 * SQLite stores a whole row as one record of at most SQLITE_MAX_LENGTH (1e9) bytes. tidekv
 * declares limits well inside that (key + value + record header always fit) and enforces
 * them before SQLite sees the data, so an oversized write fails with a typed error.
 */
export const MAX_KEY_SIZE = 1024 * 1024; // 1 MiB
export const MAX_VALUE_SIZE = 256 * 1024 * 1024; // 256 MiB

export const SQLITE_CAPABILITIES: Capabilities = Object.freeze({
  persistent: true,
  syncReads: true,
  snapshots: true,
  maxKeySize: MAX_KEY_SIZE,
  maxValueSize: MAX_VALUE_SIZE,
});
