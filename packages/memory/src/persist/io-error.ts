import { TidekvError } from '@tidekv/core';

/** Wraps a file-system failure in a TidekvError IO_ERROR, keeping the original as `cause`. */
export function ioError(what: string, cause: unknown, path: string): TidekvError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new TidekvError('IO_ERROR', `${what} ${path} failed${code ? ` (${code})` : ''}`, { cause, details: { path, code } });
}
