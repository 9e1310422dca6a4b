import { expect } from 'vitest';
import { isTidekvError, type TidekvError, type TidekvErrorCode } from '../src/index.js';

/** Runs `run`, asserts it threw a TidekvError with `code` (and a message matching `message`), returns it. */
export function expectCode(run: () => unknown, code: TidekvErrorCode, message?: RegExp): TidekvError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isTidekvError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  if (message) expect((caught as Error).message).toMatch(message);
  return caught as TidekvError;
}

/** Awaits `promise`, asserts it rejected with a TidekvError with `code`, returns the error. */
export async function expectRejection(promise: Promise<unknown>, code: TidekvErrorCode): Promise<TidekvError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isTidekvError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  return caught as TidekvError;
}

/** Runs `run`, sync or async, asserts it threw or rejected with a TidekvError with `code`, returns the error. */
export async function expectFailure(run: () => unknown, code: TidekvErrorCode): Promise<TidekvError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(isTidekvError(caught, code), `expected a TidekvError ${code}, got ${String(caught)}`).toBe(true);
  return caught as TidekvError;
}
