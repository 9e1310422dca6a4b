// Plain node on the built dist (`pnpm build` first): awaiting a physical compaction must not
// let the process exit half way (its pauses keep the event loop alive), while an idle store
// with a compactor never keeps a process alive.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('../../core/dist/index.js', import.meta.url));
const memory = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function runScript(body: string): { stdout: string; status: number | null } {
  const script = `import { MvccStore } from ${JSON.stringify(core)};\nimport { openMemory } from ${JSON.stringify(memory)};\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: result.stdout, status: result.status };
}

describe('MvccStore in a plain process', () => {
  it('await compact(rev, { physical: true }) finishes before the process can exit', () => {
    const { stdout, status } = runScript(`
      const store = await MvccStore.open({ engine: await openMemory(), wal: false, compactionBatchSize: 10, compactionPauseMs: 20 });
      for (let i = 0; i < 300; i++) await store.put('k' + (i % 5), String(i));
      await store.compact(250, { physical: true });
      console.log('compacted ' + store.compactRevision);
    `);
    expect(stdout.trim()).toBe('compacted 250');
    expect(status).toBe(0);
  });

  it('a store left open with a compactor does not keep the process alive', () => {
    const { stdout, status } = runScript(`
      const store = await MvccStore.open({ engine: await openMemory(), wal: false, compactor: { mode: 'periodic', retention: 3600000 } });
      await store.put('a', '1');
      console.log('done');
    `);
    expect(stdout.trim()).toBe('done');
    expect(status).toBe(0);
  });
});
