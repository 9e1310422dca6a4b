/**
 * Spawns the crash child, follows its "flushed <batch>" lines, and kills it with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
  keyspace: string;
  round: number;
  mode: 'loop' | 'sync-writes' | 'flush-once';
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
