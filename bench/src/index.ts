/**
 * @tidekv/bench: the benchmark harness behind `tidekv-bench`. The programmatic API lets a
 * project run selected workloads on its own backends and render the same reports.
 */
export { main, knownNames, writeReport, type Io } from './main.js';
export { runBench, runOnce, type Row, type Skip, type BenchOutcome, type RunOptions } from './runner.js';
export { BACKENDS, BackendUnavailableError, externalBackend, loadFactory, type Backend, type EngineBackend, type LogBackend } from './backends/registry.js';
export { engineDriver } from './backends/adapter-driver.js';
export { WORKLOADS, WORKLOAD_GROUPS, type Workload, type EngineWorkload, type LogWorkload, type PreparedRun, type WorkloadConfig } from './workloads/index.js';
export type { KvDriver, LogDriver, Subject, Durability, Variant, BatchOp, Cursor, ScanOptions, OpenOptions } from './driver.js';
export { parseCli, usage, UsageError, DEFAULT_N, QUICK_N, FULL_N, DEFAULT_RUNS, type CliOptions } from './options.js';
export { LatencyHistogram } from './stats/histogram.js';
export { median, percentile, summarizeRuns, type Summary, type RunResult } from './stats/summary.js';
export { ZipfianGenerator, ScrambledZipfianGenerator, SkewedLatestGenerator, UniformGenerator, fnvHash64 } from './zipfian.js';
export { Random } from './random.js';
export { TARGETS, evaluateTargets, type Target, type TargetResult } from './targets.js';
export { buildResultsFile, type ResultsFile, type ResultEntry } from './report/json.js';
export { renderChart } from './report/svg.js';
export { renderMarkdown } from './report/markdown.js';
export { renderTable } from './report/table.js';
export { collectEnvironment, type Environment } from './env.js';
export { ValidationError } from './validation.js';
