import { describe, expect, it } from 'vitest';
import { collectEnvironment } from '../src/env.js';
import { libraryVersion } from '../src/versions.js';

describe('environment header', () => {
  it('records machine, runtime, libraries, commit and date', () => {
    const env = collectEnvironment({ n: 5 }, new Date('2026-01-02T03:04:05Z'));
    expect(env.date).toBe('2026-01-02T03:04:05.000Z');
    expect(env.cpu.length).toBeGreaterThan(0);
    expect(env.cores).toBeGreaterThanOrEqual(1);
    expect(env.memoryGiB).toBeGreaterThan(0);
    expect(env.node).toBe(process.version);
    expect(env.gitCommit).toMatch(/^[0-9a-f]{12}$/);
    expect(typeof env.gitDirty).toBe('boolean');
    expect(env.options).toEqual({ n: 5 });
    for (const lib of ['classic-level', 'lmdb', 'better-sqlite3', 'memory-level']) expect(env.libraries[lib]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('finds versions of packages that do not export package.json, and says unknown otherwise', () => {
    expect(libraryVersion('lmdb')).toMatch(/^3\./);
    expect(libraryVersion('classic-level')).toMatch(/^3\./);
    expect(libraryVersion('no-such-package-tidekv')).toBe('unknown');
  });
});
