/** The `tidekv-bench` program: parse, run, print, write the results folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BACKENDS, BackendUnavailableError, externalBackend, type Backend } from './backends/registry.js';
import { WORKLOADS, WORKLOAD_GROUPS } from './workloads/index.js';
import { parseCli, usage, UsageError, type CliOptions, type KnownNames } from './options.js';
import { collectEnvironment, type Environment } from './env.js';
import { Progress, type ProgressStream } from './progress.js';
import { describeRuns, runBench, type BenchOutcome } from './runner.js';
import { evaluateTargets, type TargetResult } from './targets.js';
import { clockCostNs } from './stats/sampled-timer.js';
import { renderEnvironment, renderTable, renderTargets } from './report/table.js';
import { renderMarkdown } from './report/markdown.js';
import { renderHeadline } from './report/headline.js';
import { renderChart } from './report/svg.js';
import { buildResultsFile } from './report/json.js';

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  cwd: string;
}

export function knownNames(): KnownNames {
  return {
    backends: BACKENDS.map((b) => b.name),
    workloads: WORKLOADS.map((w) => w.name),
    groups: Object.fromEntries(Object.entries(WORKLOAD_GROUPS).map(([group, pick]) => [group, WORKLOADS.filter(pick).map((w) => w.name)])),
  };
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export interface Report {
  env: Environment;
  outcome: BenchOutcome;
  targets: TargetResult[];
  dir: string;
}

/** Writes results.json, results.md and chart.svg; returns the folder. */
export async function writeReport(dir: string, env: Environment, outcome: BenchOutcome, targets: readonly TargetResult[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const subtitle = `n=${env.options.n}, value ${env.options.valueSize} B, median of ${env.options.runs} runs · ${env.cpu} x ${env.cores} · node ${env.node} · commit ${env.gitCommit} · ${env.date}`;
  await writeFile(join(dir, 'results.json'), JSON.stringify(buildResultsFile(env, outcome.rows, targets), null, 2) + '\n');
  await writeFile(join(dir, 'results.md'), renderMarkdown(env, outcome.rows, targets, outcome.skips));
  await writeFile(join(dir, 'chart.svg'), renderChart(outcome.rows, targets, { subtitle }));
}

async function selectBackends(options: CliOptions, cwd: string): Promise<Backend[]> {
  const selected = options.backends.length ? BACKENDS.filter((b) => options.backends.includes(b.name)) : [...BACKENDS];
  for (const spec of options.adapters) {
    try {
      const backend = await externalBackend(spec, cwd);
      if (selected.some((b) => b.name === backend.name)) throw new UsageError(`--adapter ${spec}: a backend named '${backend.name}' is already selected`);
      selected.push(backend);
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw new UsageError(`--adapter ${spec}: ${error.message}`);
      throw error;
    }
  }
  return selected;
}

export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const known = knownNames();
  let options: CliOptions;
  let backends: Backend[];
  try {
    options = parseCli(argv, known);
    if (options.help) {
      io.stdout.write(usage(known) + '\n');
      return 0;
    }
    backends = await selectBackends(options, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tidekv-bench: ${error.message}\nRun tidekv-bench --help for usage.\n`);
      return error.exitCode;
    }
    throw error;
  }
  const workloads = options.workloads.length ? WORKLOADS.filter((w) => options.workloads.includes(w.name)) : [...WORKLOADS];
  const started = new Date();
  const dir = resolve(io.cwd, options.out ?? join('bench-results', timestamp(started)));
  const env = collectEnvironment(
    {
      preset: options.preset,
      n: options.n,
      valueSize: options.valueSize,
      runs: describeRuns(options.runs, workloads),
      warmup: options.warmup,
      seed: options.seed,
      backends: backends.map((b) => b.name),
      workloads: workloads.map((w) => w.name),
    },
    started,
  );
  env.clockReadNs = clockCostNs();
  io.stdout.write(renderEnvironment(env) + '\n\n');

  const outcome = await runBench(workloads, backends, { n: options.n, valueSize: options.valueSize, runs: options.runs, seed: options.seed, warmup: options.warmup }, new Progress(io.stderr));
  const targets = evaluateTargets(outcome.rows);
  env.totalSeconds = Math.round(outcome.elapsedMs / 100) / 10;
  for (const backend of backends) env.baselines[backend.name] = backend.raw.map((s) => `${s.role === 'reference' ? 'reference' : 'raw'}: ${s.label} (${s.note ?? ''})`);
  env.skipped = [...new Set(outcome.skips.map((s) => `${s.backend}: ${s.reason}`))];

  io.stdout.write(renderTable(outcome.rows, targets) + '\n\n' + renderHeadline(outcome.rows) + '\n\n' + renderTargets(targets) + '\n');
  for (const skip of env.skipped) io.stdout.write(`skipped ${skip}\n`);
  await writeReport(dir, env, outcome, targets);
  io.stdout.write(`\nwall time ${env.totalSeconds} s; results written to ${dir}/ (results.json, results.md, chart.svg)\n`);
  const failed = outcome.rows.filter((r) => r.error);
  if (failed.length > 0) {
    io.stderr.write(`tidekv-bench: ${failed.length} row(s) FAILED validation or errored; see the table\n`);
    return 1;
  }
  return 0;
}
