/**
 * The one way a failed file-system call becomes a TidekvError: IO_ERROR, the errno code in
 * `details.code` (ENOSPC, EIO, EACCES...), the original error as `cause`. An error that is
 * already a TidekvError passes through unchanged, so layers can wrap without double-wrapping.
 */
import { TidekvError } from '../errors.js';

/** Errno codes worth naming in plain words in the message. */
const PLAIN: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'the device reported an I/O error',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * `what` says what was being done (`'writing snapshot'`), `path` where; `details` adds
 * context (a `dir`, a segment...).
 */
export function ioError(what: string, cause: unknown, path: string, details: Record<string, unknown> = {}): TidekvError {
  if (cause instanceof TidekvError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = (cause as Error | undefined)?.message ?? String(cause);
  // Node's messages already start with the code ("ENOENT: no such file..."): say it once.
  const unprefixed = code !== undefined && message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
  const reason = code === undefined ? message : `${code}: ${PLAIN[code] ?? unprefixed}`;
  return new TidekvError('IO_ERROR', `${what} ${path} failed (${reason})`, { cause, details: { ...details, path, code } });
}
