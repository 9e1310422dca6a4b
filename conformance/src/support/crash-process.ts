/**
 * Spawns the crash child, follows its "flushed <batch>" lines, and kills it with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseContext } from '../case.js';

/** The child script ships in the package's scripts/ folder, one or two levels above this module. */
export function crashChildScript(): string {
  for (const relative of ['../scripts/crash-child.mjs', '../../scripts/crash-child.mjs']) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('conformance: scripts/crash-child.mjs not found next to the package');
}

export interface CrashChildConfig {
  module: string;
  factory: string;
  options: Record<string, unknown>;
  path: string;
  /** The keyspace of the lock modes and, absent `keyspaces`, of every write. */
  keyspace: string;
  /** Writes spread over these keyspaces in turn: entry j of a batch, or single operation n, goes to keyspaces[j % length]; a batch's counter to the first. */
  keyspaces?: string[];
  round: number;
  mode: 'loop' | 'sync-writes' | 'flush-once' | 'sync-put' | 'sync-del' | 'sync-clear' | 'sync-delete-batches' | 'overlap-flush' | 'try-open' | 'hold';
  batchSize: number;
  flushEvery: number;
  entries: number;
}

export interface CrashOutcome {
  /** The highest batch the child reported flushed, or -1. */
  flushed: number;
  /** The signal that ended the child (SIGKILL when all went as planned). */
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** What the child opens: the built module, its factory, options, and the location of `ctx`. */
export function childTarget(ctx: CaseContext): Pick<CrashChildConfig, 'module' | 'factory' | 'options' | 'path' | 'keyspace'> {
  const crash = ctx.options.crash!;
  const where = crash.path ?? 'dir';
  const module = crash.module.startsWith('file:') || isAbsolute(crash.module) ? crash.module : join(process.cwd(), crash.module);
  const file = module.startsWith('file:') ? fileURLToPath(module) : module;
  if (!existsSync(file)) {
    throw new Error(`crash.module ${file} does not exist: the crash test runs the BUILT adapter, so build it first (pnpm --filter <package> build)`);
  }
  return {
    module,
    factory: crash.factory,
    options: crash.options ?? {},
    path: where === 'dir' ? ctx.dir : join(ctx.dir, where),
    keyspace: ctx.pass.keyspace,
  };
}

function lockChildConfig(ctx: CaseContext, mode: 'try-open' | 'hold'): CrashChildConfig {
  return { ...childTarget(ctx), round: 0, mode, batchSize: 0, flushEvery: 1, entries: 0 };
}

function spawnChild(config: CrashChildConfig): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, [crashChildScript(), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => reject(new Error(`child exited (code ${code}, signal ${signal}) before saying anything; stderr:\n${stderr}`)));
  });
  return { child, firstLine };
}

/** Opens the location of `ctx` in a child process: "opened" or "error <code>". */
export async function tryOpenInChild(ctx: CaseContext): Promise<string> {
  const { child, firstLine } = spawnChild(lockChildConfig(ctx, 'try-open'));
  try {
    return await firstLine;
  } finally {
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('close', resolve));
  }
}

/** A child process holding the location of `ctx` open; kill it with `kill()` (SIGKILL). */
export async function holdInChild(ctx: CaseContext): Promise<{ pid: number; kill(): Promise<void> }> {
  const { child, firstLine } = spawnChild(lockChildConfig(ctx, 'hold'));
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGKILL');
    await closed;
  };
  try {
    const line = await firstLine;
    if (line !== 'open') throw new Error(`the holding child could not open the location: ${line}`);
  } catch (error) {
    await kill();
    throw error;
  }
  return { pid: child.pid!, kill };
}

/**
 * Runs the child until it reports at least one flush, lets it run `delayMs` longer, then
 * kills it with SIGKILL. Fails if the child exits by itself or never flushes in time.
 */
export function runAndKill(config: CrashChildConfig, delayMs: number, timeoutMs = 30_000): Promise<CrashOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [crashChildScript(), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let flushed = -1;
    let stdout = '';
    let stderr = '';
    let killScheduled = false;
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`crash child never reported a flush within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^flushed (\d+)$/.exec(line);
        if (!match) continue;
        flushed = Math.max(flushed, Number(match[1]));
        if (!killScheduled) {
          killScheduled = true;
          clearTimeout(timer);
          setTimeout(kill, delayMs);
        }
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`crash child exited by itself (code ${code}, signal ${signal}); stderr:\n${stderr}`));
        return;
      }
      resolve({ flushed, signal, code, stderr });
    });
  });
}
