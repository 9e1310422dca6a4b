import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { isTidekvError, type TidekvErrorCode } from '@tidekv/core';

export const b = (...bytes: number[]) => Uint8Array.from(bytes);
export const text = (s: string) => new TextEncoder().encode(s);

/** The built package, which child processes load (build it before running these tests). */
export const DIST_MODULE = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const dirs: string[] = [];
/** A fresh temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tidekv-memory-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Asserts `action` throws or rejects with a TidekvError of `code`, and returns it. */
export async function expectCode(action: () => unknown, code: TidekvErrorCode) {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a TidekvError ${code}`).toBeDefined();
  expect(isTidekvError(caught) ? caught.code : caught).toBe(code);
  return caught as Error & { code: TidekvErrorCode; details?: Record<string, unknown> };
}
