import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { StorageEngine } from '@tidekv/core';
import { openSqlite } from '@tidekv/sqlite';

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
export const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/** The built package, for child processes (build with `pnpm --filter @tidekv/sqlite build`). */
export const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const dirs: string[] = [];
const engines: StorageEngine[] = [];

/** A fresh temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tidekv-sqlite-'));
  dirs.push(dir);
  return dir;
}

/** Opens an engine that is closed after the test (closing twice is harmless). */
export async function open(path: string): Promise<StorageEngine> {
  const engine = await openSqlite({ path });
  engines.push(engine);
  return engine;
}

export async function openTemp(): Promise<{ dir: string; engine: StorageEngine }> {
  const dir = await tempDir();
  return { dir, engine: await open(dir) };
}

afterEach(async () => {
  await Promise.allSettled(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Asserts `run` throws or rejects with a TidekvError of `code`, and returns it. */
export { expectFailure as expectCode } from '../../core/test/expect-code.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an ES module script in a child `node` process with the built adapter importable as
 * `sqlite`. `onLine` sees each stdout line and may kill the child.
 */
export function runChild(script: string, args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<ChildResult> {
  const source = `import * as sqlite from ${JSON.stringify(DIST)};\n${script}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        onLine?.(line, child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
