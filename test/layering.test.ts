/**
 * Layering is a contract: codec <- engine <- fs <- wal <- mvcc inside core; adapters and the
 * conformance suite depend on core only; nothing in core imports an adapter.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts|mjs|js)$/.test(name)) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

const CORE_LAYERS = ['codec', 'engine', 'fs', 'wal', 'mvcc'] as const;

describe('layering', () => {
  it('core imports no other tidekv package, and its layers depend one way', () => {
    const coreSrc = join(root, 'packages/core/src');
    const violations: string[] = [];
    for (const file of sourceFiles(coreSrc)) {
      const rel = relative(coreSrc, file);
      const layer = CORE_LAYERS.indexOf(rel.split('/')[0] as (typeof CORE_LAYERS)[number]);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('@tidekv/')) violations.push(`${rel} imports ${spec}`);
        if (!spec.startsWith('.') || layer < 0) continue;
        const target = relative(coreSrc, join(file, '..', spec)).split('/')[0];
        const targetLayer = CORE_LAYERS.indexOf(target as (typeof CORE_LAYERS)[number]);
        if (targetLayer > layer) violations.push(`${rel} (${CORE_LAYERS[layer]}) imports ${spec} (${CORE_LAYERS[targetLayer]})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('adapters and the conformance suite import only @tidekv/core among tidekv packages', () => {
    const violations: string[] = [];
    for (const dir of ['packages/memory', 'packages/level', 'packages/lmdb', 'packages/sqlite', 'conformance']) {
      for (const file of sourceFiles(join(root, dir, 'src'))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('@tidekv/') && spec !== '@tidekv/core') violations.push(`${relative(root, file)} imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('package manifests agree: adapters depend on core and on no other adapter', () => {
    for (const dir of ['packages/memory', 'packages/level', 'packages/lmdb', 'packages/sqlite', 'conformance']) {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) => d.startsWith('@tidekv/'));
      expect(deps, dir).toEqual(['@tidekv/core']);
    }
  });
});
