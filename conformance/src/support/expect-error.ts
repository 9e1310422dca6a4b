import { expect } from 'vitest';
import type { TidekvErrorCode } from '@tidekv/core';

/**
 * Runs `action` and asserts it fails with a TidekvError carrying `code`, whether it throws
 * synchronously or returns a rejected promise (both are allowed by the contract).
 * Matching is by name and code rather than instanceof, so an adapter bundling its own copy
 * of @tidekv/core still passes.
 */
export async function expectTidekvError(action: () => unknown, code: TidekvErrorCode, what = 'the call'): Promise<void> {
  let error: unknown;
  let failed = false;
  try {
    await action();
  } catch (caught) {
    error = caught;
    failed = true;
  }
  expect(failed, `${what} should fail with ${code}, but it succeeded`).toBe(true);
  const name = error instanceof Error ? error.name : typeof error;
  const actual = (error as { code?: unknown } | null)?.code;
  expect(
    { name, code: actual },
    `${what} should fail with TidekvError ${code}; got ${name}: ${error instanceof Error ? error.message : String(error)}`,
  ).toEqual({ name: 'TidekvError', code });
}

/** Asserts a synchronous call throws (never returns) a TidekvError with `code`. */
export function expectSyncTidekvError(action: () => unknown, code: TidekvErrorCode, what = 'the call'): void {
  let error: unknown;
  let failed = false;
  try {
    const result = action();
    // Iterables from iterateSync may validate lazily: pull once to surface the error.
    if (result && typeof (result as Iterable<unknown>)[Symbol.iterator] === 'function' && !(result instanceof Uint8Array)) {
      for (const _ of result as Iterable<unknown>) break;
    }
  } catch (caught) {
    error = caught;
    failed = true;
  }
  expect(failed, `${what} should throw ${code}, but it returned`).toBe(true);
  const name = error instanceof Error ? error.name : typeof error;
  expect({ name, code: (error as { code?: unknown } | null)?.code }, `${what}: ${String(error)}`).toEqual({ name: 'TidekvError', code });
}
