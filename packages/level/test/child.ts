/** Runs a script in a child `node` process that imports the BUILT package (dist/index.js). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Starts `node --input-type=module -e <body>` with `level` bound to the built package. */
export function startChild(body: string): ChildProcess {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run pnpm --filter @tidekv/level build first`);
  const script = `import * as level from ${JSON.stringify(pathToFileURL(DIST).href)};\n${body}`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the first stdout line that equals `line`; rejects if the child exits first. */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before '${line}': ${err}`)));
  });
}

/** Resolves when the child has exited, with its exit code or signal. */
export function exited(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}
