import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { StorageEngine } from '@tidekv/core';
import { openLmdb, type LmdbOptions } from '../src/index.js';

/** The built package, which child processes load (`pnpm --filter @tidekv/lmdb build` first). */
export const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const dirs: string[] = [];
const engines: StorageEngine[] = [];

/** A fresh directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidekv-lmdb-'));
  dirs.push(dir);
  return dir;
}

/** Opens an engine that is closed after the test. */
export async function openTemp(options: Partial<LmdbOptions> = {}): Promise<StorageEngine> {
  const engine = await openLmdb({ path: options.path ?? tempDir(), ...options });
  engines.push(engine);
  return engine;
}

export function track(engine: StorageEngine): StorageEngine {
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);
export const s = (text: string): Uint8Array => new TextEncoder().encode(text);
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

/** Awaits `action` and returns the TidekvError code it failed with (or 'resolved'). */
export async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped: ${String(error)}`;
  }
}

/** Every entry of every listed keyspace, as hex pairs. */
export async function dump(engine: StorageEngine, names: string[]): Promise<Record<string, [string, string][]>> {
  const out: Record<string, [string, string][]> = {};
  for (const name of names) out[name] = (await engine.keyspace(name).iterate().all()).map(([k, v]) => [hex(k), hex(v)]);
  return out;
}
