/**
 * Real processes over the BUILT package (run `pnpm --filter @tidekv/lmdb build` first):
 * LMDB is multi-process, so a second opener works and sees committed writes; a kill -9
 * after flush loses nothing that was flushed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLmdb } from '../src/index.js';
import { DIST, tempDir, track, s, text, hex } from './helpers.js';

const child = fileURLToPath(new URL('./fixtures/child.mjs', import.meta.url));

function start(path: string, mode: string, durability = 'commit'): { proc: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> } {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build the package first (pnpm --filter @tidekv/lmdb build)`);
  const proc = spawn(process.execPath, [child, pathToFileURL(DIST).href, path, mode, durability], { stdio: 'pipe' });
  proc.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return { proc, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error('child exited early');
  return value;
}

const exited = (proc: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code))));

describe('lmdb across openers and processes', () => {
  it('two engines on one path in one process share committed data, and closing one leaves the other working', async () => {
    const path = tempDir();
    const a = track(await openLmdb({ path }));
    const b = track(await openLmdb({ path }));
    await a.keyspace('default').put(s('k'), s('from a'));
    expect(text(await b.keyspace('default').get(s('k')))).toBe('from a');
    await b.write([{ type: 'put', keyspace: 'made-by-b', key: s('x'), value: s('from b') }]);
    expect(text(await a.keyspace('made-by-b').get(s('x')))).toBe('from b');
    await a.close();
    await b.keyspace('default').put(s('k2'), s('still fine'));
    expect((await b.keyspace('default').iterate().all()).map(([k]) => text(k))).toEqual(['k', 'k2']);
  });

  it('a second process opens the same path while it is open here, and each sees the other\'s writes', async () => {
    const path = tempDir();
    const engine = track(await openLmdb({ path }));
    await engine.keyspace('default').put(s('from-parent'), s('hello child'), { sync: true });
    const { proc, lines } = start(path, 'share');
    try {
      expect(JSON.parse(await nextLine(lines))).toEqual({ seen: 'hello child' });
      expect(text(await engine.keyspace('default').get(s('from-child')))).toBe('hello parent');
      expect(text(await engine.keyspace('child-made').get(s('k')))).toBe('v');
      await engine.keyspace('default').put(s('later-from-parent'), s('again'));
      proc.stdin.write('go\n');
      expect(JSON.parse(await nextLine(lines))).toEqual({ later: 'again' });
      expect(await exited(proc)).toBe(0);
    } finally {
      proc.kill('SIGKILL');
    }
  });

  it.each(['commit', 'flush'] as const)('kill -9 after flush (durability %s): every flushed batch survives and the environment opens cleanly', async (durability) => {
    const path = tempDir();
    const { proc, lines } = start(path, 'crash', durability);
    let flushed = -1;
    try {
      while (flushed < 20) flushed = Number(await nextLine(lines));
      proc.kill('SIGKILL');
      await exited(proc);
    } finally {
      proc.kill('SIGKILL');
    }
    const engine = track(await openLmdb({ path, durability }));
    const ks = engine.keyspace('default');
    for (let batch = 0; batch <= flushed; batch++) {
      const prefix = s(`b${String(batch).padStart(6, '0')}-`);
      const entries = await ks.iterate({ prefix }).all();
      expect(entries.length, `batch ${batch}`).toBe(100);
      for (const [, value] of entries) expect(text(value)).toBe(String(batch));
    }
    // whatever the child wrote after its last report is whole batches or nothing
    const all = await ks.iterate({ prefix: s('b') }).all();
    expect(all.length % 100).toBe(0);
    expect(hex((await ks.get(s('sync-1')))!)).toBe(hex(s('s')));
    await ks.put(s('after-crash'), s('ok'));
  });
});
