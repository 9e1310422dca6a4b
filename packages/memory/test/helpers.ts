import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

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

/** Asserts `run` throws or rejects with a TidekvError of `code`, and returns it. */
export { expectFailure as expectCode } from '../../core/test/expect-code.js';
