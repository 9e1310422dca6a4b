import { TidekvError, type TidekvErrorCode } from '@tidekv/core';

/** better-sqlite3 throws SqliteError with SQLite's extended result code name as `code`. */
function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_')) {
    return error.code;
  }
  return undefined;
}

function tidekvCode(sqlite: string): TidekvErrorCode {
  if (sqlite.startsWith('SQLITE_BUSY') || sqlite.startsWith('SQLITE_LOCKED')) return 'LOCKED';
  if (sqlite.startsWith('SQLITE_CORRUPT') || sqlite === 'SQLITE_NOTADB') return 'CORRUPTION';
  if (sqlite === 'SQLITE_TOOBIG') return 'VALUE_TOO_LARGE';
  // IOERR_*, FULL, CANTOPEN_*, READONLY_*, PERM, NOLFS, PROTOCOL and anything unexpected:
  // the storage could not do what was asked.
  return 'IO_ERROR';
}

/** Every error leaving the adapter is a TidekvError; native ones keep their cause. */
export function toTidekvError(error: unknown, doing = 'SQLite operation'): TidekvError {
  if (error instanceof TidekvError) return error;
  const sqlite = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return new TidekvError(sqlite ? tidekvCode(sqlite) : 'IO_ERROR', `${doing} failed: ${message}`, {
    cause: error,
    details: sqlite ? { sqliteCode: sqlite } : undefined,
  });
}
