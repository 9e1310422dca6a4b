/**
 * When an LMDB commit fails (a full disk, EIO), lmdb-js rejects every write of the
 * transaction with "Commit failed (see commitError for details)" and the real error arrives
 * on a second promise, `error.commitError`, that nothing handles; Node ends the process on an
 * unhandled rejection. `commitFailure()` handles it and reports the real error, keeping the
 * "Commit failed" one as its cause. (The other promise lmdb-js leaves unhandled is handled
 * by the writer, see Writer#handleTurnCommit.)
 */
interface CommitFailed extends Error {
  commitError?: Promise<unknown>;
}

function isCommitFailure(reason: unknown): reason is CommitFailed {
  return reason instanceof Error && (reason as CommitFailed).commitError instanceof Promise;
}

/**
 * The error a failed write should report: for a failed commit, the real error from
 * `commitError` (its handler attached here, so it is never unhandled), keeping the
 * "Commit failed" error as its cause.
 */
export async function commitFailure(error: unknown): Promise<unknown> {
  if (!isCommitFailure(error)) return error;
  // lmdb-js rejects commitError right after the writes, if at all: wait one turn, no longer.
  const real = await Promise.race([
    error.commitError!.then(
      () => undefined,
      (reason: unknown) => reason,
    ),
    new Promise<undefined>((resolve) => setImmediate(resolve, undefined)),
  ]);
  if (!(real instanceof Error)) return error;
  if (real.cause === undefined) Object.defineProperty(real, 'cause', { value: error, configurable: true, writable: true });
  return real;
}
