/**
 * Native failures from lmdb-js become TidekvErrors with stable codes. lmdb-js puts LMDB's
 * return code (negative MDB_* codes, or a positive errno) on `error.code`; Node's fs calls
 * put a string errno name there.
 */
import { TidekvError, isTidekvError, type TidekvErrorCode } from '@tidekv/core';

const MDB_MAP_FULL = -30792;
const MDB_DBS_FULL = -30791;
const MDB_READERS_FULL = -30790;
/** MDB_CORRUPTED, MDB_PANIC, MDB_VERSION_MISMATCH, MDB_INVALID: the file is damaged or not LMDB's. */
const CORRUPTION_CODES = new Set([-30796, -30795, -30794, -30793]);

function codeFor(error: { code?: unknown; message?: unknown }): TidekvErrorCode {
  const code = error.code;
  if (typeof code === 'number' && CORRUPTION_CODES.has(code)) return 'CORRUPTION';
  if (code === MDB_DBS_FULL) return 'INVALID_KEYSPACE';
  const message = typeof error.message === 'string' ? error.message : '';
  if (/closed/i.test(message) && code === undefined) return 'NOT_OPEN';
  return 'IO_ERROR';
}

function hint(error: { code?: unknown }): string {
  switch (error.code) {
    case MDB_DBS_FULL:
      return ' (more keyspaces than the maxKeyspaces option allows)';
    case MDB_MAP_FULL:
      return ' (the memory map is full)';
    case MDB_READERS_FULL:
      return ' (too many concurrent readers; raise the maxReaders option)';
    default:
      return '';
  }
}

/** Wraps anything thrown by lmdb-js; TidekvErrors pass through unchanged. */
export function toTidekvError(error: unknown, action: string): TidekvError {
  if (isTidekvError(error)) return error;
  const native = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    code?: unknown;
    message?: unknown;
  };
  const code = codeFor(native);
  return new TidekvError(code, `lmdb: ${action} failed: ${String(native.message)}${hint(native)}`, {
    cause: error,
    details: native.code === undefined ? undefined : { nativeCode: native.code },
  });
}

/** For promise chains: `.then(undefined, rejectAs('write'))`. */
export function rejectAs(action: string): (error: unknown) => never {
  return (error) => {
    throw toTidekvError(error, action);
  };
}
