/**
 * classic-level reports failures as errors with a `LEVEL_*` code (often wrapped: a failed
 * open is LEVEL_DATABASE_NOT_OPEN whose cause says why). This maps them to TidekvError codes.
 */
import { TidekvError, type TidekvErrorCode } from '@tidekv/core';

const CODES: Record<string, TidekvErrorCode> = {
  LEVEL_LOCKED: 'LOCKED',
  LEVEL_CORRUPTION: 'CORRUPTION',
  LEVEL_IO_ERROR: 'IO_ERROR',
  LEVEL_ABORTED: 'ABORTED',
  LEVEL_ITERATOR_NOT_OPEN: 'ITERATOR_CLOSED',
  LEVEL_DATABASE_NOT_OPEN: 'NOT_OPEN',
};

/** The most specific code in the error's cause chain; the innermost known code wins. */
function codeOf(error: unknown): TidekvErrorCode {
  let found: TidekvErrorCode | undefined;
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in CODES) found = CODES[code];
  }
  return found ?? 'IO_ERROR';
}

function innermostMessage(error: unknown): string {
  let message = String(error);
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) message = e.message;
  return message;
}

/**
 * LevelDB reports some damage as an I/O error: a file the MANIFEST (or CURRENT) names that is
 * missing, or a table too short to hold its footer ("Invalid argument"). Those files exist
 * in an intact database, so their absence is damage, not a failing device.
 */
const MISSING_OWN_FILE = /IO error: \S*\/(MANIFEST-\d+|\d+\.(ldb|sst|log)): (No such file or directory|Invalid argument)$/;

function damageOf(error: unknown): TidekvErrorCode | undefined {
  const message = innermostMessage(error);
  if (message.startsWith('Corruption:') || MISSING_OWN_FILE.test(message)) return 'CORRUPTION';
  return undefined;
}

/** A TidekvError for a native failure; TidekvErrors pass through unchanged. */
export function fromNative(error: unknown, doing: string): TidekvError {
  if (error instanceof TidekvError) return error;
  return new TidekvError(damageOf(error) ?? codeOf(error), `LevelDB ${doing} failed: ${innermostMessage(error)}`, { cause: error });
}

/** Failures while opening: any file-system or LevelDB error becomes IO_ERROR unless it is more specific. */
export function fromOpenFailure(error: unknown, path: string): TidekvError {
  if (error instanceof TidekvError) return error;
  let code = damageOf(error) ?? codeOf(error);
  // A failed open surfaces as LEVEL_DATABASE_NOT_OPEN; that is not the engine being closed.
  if (code === 'NOT_OPEN') code = 'IO_ERROR';
  const message =
    code === 'LOCKED'
      ? `the database at ${path} is already open (in this process or another): ${innermostMessage(error)}`
      : `cannot open the database at ${path}: ${innermostMessage(error)}`;
  return new TidekvError(code, message, { cause: error, details: { path } });
}
