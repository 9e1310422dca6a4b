/** What the LMDB engine declares. Static: the same before and after open. */
import type { Capabilities } from '@tidekv/core';
import { MAX_KEY_SIZE, MAX_VALUE_SIZE } from './key-mapping.js';

export const LMDB_CAPABILITIES: Capabilities = Object.freeze({
  persistent: true,
  syncReads: true,
  snapshots: true,
  maxKeySize: MAX_KEY_SIZE,
  maxValueSize: MAX_VALUE_SIZE,
});
