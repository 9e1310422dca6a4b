#!/usr/bin/env node
// Runs the engine conformance suite against one-bug variants of the memory adapter and says
// which of them it rejects, and by which case.
//
//   node mutation/variants/run-variants.mjs [--round n] [--only id,id] [--typecheck] [--json out.json]
//
// It makes a scratch git worktree of HEAD (in the OS temp directory, removed at the end),
// installs it offline and builds core once, then for each variant: restores
// packages/memory/src, applies the variant's edits (each `find` must match exactly once),
// builds memory's dist (the kill -9 and lock cases spawn `node` on it), optionally typechecks,
// and runs `vitest run packages/memory/test/conformance.test.ts --bail 1`: the first failing
// case is the rejection. A variant with no failing case survived. The unmodified adapter runs
// first as a control and must pass. One variant at a time: sized for a 2-core machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { variants } from './memory-variants.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const only = option('--only')?.split(',');
const round = option('--round') === undefined ? undefined : Number(option('--round'));
const typecheck = args.includes('--typecheck');
const jsonOut = option('--json');
const seed = process.env.TIDEKV_SEED ?? '20261127';

const chosen = variants.filter((v) => (only === undefined || only.includes(v.id)) && (round === undefined || v.round === round));
if (only && chosen.length !== only.length) {
  const known = new Set(variants.map((v) => v.id));
  throw new Error(`unknown variant id(s): ${only.filter((id) => !known.has(id)).join(', ')}`);
}

const scratch = mkdtempSync(join(tmpdir(), 'tidekv-variants-'));
const tree = join(scratch, 'tree');
const sh = (cmd, cmdArgs, cwd = tree) => execFileSync(cmd, cmdArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

function applyEdits(variant) {
  for (const { file, find, replace } of variant.edits) {
    const path = join(tree, file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`${variant.id}: expected one match in ${file}, found ${count}: ${JSON.stringify(find.slice(0, 80))}`);
    writeFileSync(path, text.replace(find, () => replace));
  }
}

/** Runs the memory conformance file; returns the first failing case, or undefined when all pass. */
function runSuite() {
  const report = join(scratch, 'report.json');
  rmSync(report, { force: true });
  const started = Date.now();
  spawnSync('npx', ['vitest', 'run', 'packages/memory/test/conformance.test.ts', '--bail', '1', '--reporter=json', `--outputFile=${report}`], {
    cwd: tree,
    env: { ...process.env, TIDEKV_SEED: seed },
    stdio: 'ignore',
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return { seconds, failure: { name: '(no report: vitest crashed)', message: '' } };
  }
  for (const file of parsed.testResults) {
    if (file.assertionResults.length === 0 && file.status === 'failed') return { seconds, failure: { name: '(file failed to load)', message: file.message ?? '' } };
    const failed = file.assertionResults.find((a) => a.status === 'failed');
    if (failed) {
      const name = failed.fullName.replace('tidekv engine conformance: ', '');
      return { seconds, failure: { name, message: (failed.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 200) } };
    }
  }
  return { seconds, failure: undefined, passed: parsed.numPassedTests };
}

const results = [];
try {
  execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: repo, stdio: 'ignore' });
  sh('pnpm', ['install', '--frozen-lockfile', '--offline']);
  sh('pnpm', ['--filter', '@tidekv/core', 'build']);
  const buildMemory = () => sh('npx', ['tsup', 'src/index.ts', '--format', 'esm', '--target', 'node20', '--silent'], join(tree, 'packages/memory'));

  buildMemory();
  const control = runSuite();
  if (control.failure) throw new Error(`the unmodified adapter fails "${control.failure.name}": ${control.failure.message}`);
  console.log(`control: unmodified memory passes ${control.passed} cases (${control.seconds} s)`);

  for (const variant of chosen) {
    sh('git', ['checkout', '--', 'packages/memory/src']);
    applyEdits(variant);
    let compiled = true;
    if (typecheck) {
      try {
        sh('npx', ['tsc', '-p', 'packages/memory/tsconfig.json', '--noEmit']);
      } catch (error) {
        compiled = false;
        console.log(`${variant.id}: does not typecheck\n${error.stdout}`);
      }
    }
    buildMemory();
    const { failure, seconds } = runSuite();
    const result = {
      id: variant.id,
      round: variant.round,
      bug: variant.bug,
      rejected: failure !== undefined,
      case: failure?.name,
      message: failure?.message,
      equivalent: variant.equivalent,
      seconds,
      compiled,
    };
    results.push(result);
    console.log(`${result.rejected ? 'REJECTED' : 'SURVIVED'} ${variant.id} (${seconds} s)${failure ? `: ${failure.name} -- ${failure.message}` : ''}`);
  }
} finally {
  spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repo, stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
}

const percent = (n, of) => `${Math.round((1000 * n) / Math.max(of, 1)) / 10} %`;
const rejected = results.filter((r) => r.rejected).length;
const equivalent = results.filter((r) => !r.rejected && r.equivalent).length;
console.log(`\n${rejected} of ${results.length} variants rejected (${percent(rejected, results.length)})`);
if (equivalent > 0) console.log(`${rejected} of ${results.length - equivalent} without the ${equivalent} equivalent (${percent(rejected, results.length - equivalent)})`);
for (const r of results.filter((r) => !r.rejected)) console.log(`  survived: ${r.id}: ${r.bug}${r.equivalent ? ` (equivalent: ${r.equivalent})` : ''}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ seed, results }, null, 2));
