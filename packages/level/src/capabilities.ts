/**
 * What the LevelDB engine declares. Static: the same before and after open.
 */
import type { Capabilities } from '@tidekv/core';
import { PREFIX_LENGTH } from './keyspace-prefix.js';

/** Stored keys (keyspace id + user key) stay within 64 KiB. */
export const MAX_STORED_KEY_SIZE = 64 * 1024;

export const LEVEL_CAPABILITIES: Capabilities = Object.freeze({
  persistent: true,
  // classic-level has a synchronous get but no synchronous iterator, so iterateSync cannot
  // be offered; getSync is still present on every keyspace for callers that look for it.
  syncReads: false,
  snapshots: true,
  maxKeySize: MAX_STORED_KEY_SIZE - PREFIX_LENGTH,
  // LevelDB holds a value whole in memory, several times over (batch, log, memtable,
  // read copies); 32 MiB keeps that bounded.
  maxValueSize: 32 * 1024 * 1024,
});
