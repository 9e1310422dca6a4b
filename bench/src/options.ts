/**
 * Command-line parsing for `tidekv-bench`. Everything the user can get wrong (an unknown
 * option, backend or workload, a bad number) is a UsageError, which the CLI reports with
 * exit code 2.
 */
import { parseArgs } from 'node:util';
import { MIN_VALUE_SIZE, DEFAULT_VALUE_SIZE } from './keys.js';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_N = 100_000;
export const QUICK_N = 10_000;
export const FULL_N = 1_000_000;
// Five, not three: on a shared 2-core machine the median of five moves a ratio far less.
export const DEFAULT_RUNS = 5;
export const DEFAULT_SEED = 20_260_101;

export interface CliOptions {
  help: boolean;
  /** Backend names to run (registry names); empty = all. */
  backends: string[];
  /** Workload names, already expanded from groups; empty = all. */
  workloads: string[];
  n: number;
  valueSize: number;
  /** Runs per row; undefined = DEFAULT_RUNS, or fewer for the workloads that say so. */
  runs: number | undefined;
  seed: number;
  warmup: boolean;
  /** Results folder; undefined = bench-results/<timestamp>/. */
  out: string | undefined;
  /** Third-party adapters as path#exportName. */
  adapters: string[];
  preset: 'default' | 'quick' | 'full';
}

export interface KnownNames {
  backends: readonly string[];
  workloads: readonly string[];
  /** Group name -> the workloads it selects. */
  groups: Readonly<Record<string, readonly string[]>>;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  backends: { type: 'string', short: 'b' },
  workloads: { type: 'string', short: 'w' },
  n: { type: 'string' },
  'value-size': { type: 'string' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string', short: 'o' },
  quick: { type: 'boolean' },
  full: { type: 'boolean' },
  'no-warmup': { type: 'boolean' },
  adapter: { type: 'string', multiple: true },
} as const;

/** '100000', '100_000', '100k', '1M' -> a positive integer. */
export function parseCount(text: string, what: string, min = 1): number {
  const match = /^(\d[\d_]*)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`${what} must be a whole number (e.g. 100000, 100k, 1M), got '${text}'`);
  const base = Number(match[1]!.replace(/_/g, ''));
  const unit = match[2]!.toLowerCase();
  const value = unit === 'k' ? base * 1_000 : unit === 'm' ? base * 1_000_000 : base;
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${what} must be an integer >= ${min}, got '${text}'`);
  return value;
}

function list(text: string | undefined): string[] {
  if (text === undefined) return [];
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`empty name in list '${text}'`);
  return items;
}

export function parseCli(argv: readonly string[], known: KnownNames): CliOptions {
  let values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };
  try {
    // A leading '--' (as some script runners forward it) separates nothing here: drop it.
    const args = argv[0] === '--' ? argv.slice(1) : [...argv];
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.quick && values.full) throw new UsageError('--quick and --full cannot be combined');
  const preset = values.quick ? 'quick' : values.full ? 'full' : 'default';

  const backends = list(values.backends);
  for (const name of backends) {
    if (!known.backends.includes(name)) throw new UsageError(`unknown backend '${name}'; known backends: ${known.backends.join(', ')}`);
  }

  const workloads: string[] = [];
  for (const name of list(values.workloads)) {
    const group = known.groups[name];
    if (group) workloads.push(...group);
    else if (known.workloads.includes(name)) workloads.push(name);
    else throw new UsageError(`unknown workload '${name}'; known workloads: ${known.workloads.join(', ')}; groups: ${Object.keys(known.groups).join(', ')}`);
  }

  const valueSize = values['value-size'] === undefined ? DEFAULT_VALUE_SIZE : parseCount(values['value-size'], '--value-size', MIN_VALUE_SIZE);
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a directory');
  return {
    help: values.help ?? false,
    backends,
    workloads: [...new Set(workloads)],
    n: values.n !== undefined ? parseCount(values.n, '--n') : preset === 'quick' ? QUICK_N : preset === 'full' ? FULL_N : DEFAULT_N,
    valueSize,
    runs: values.runs !== undefined ? parseCount(values.runs, '--runs') : undefined,
    seed: values.seed !== undefined ? parseCount(values.seed, '--seed', 0) : DEFAULT_SEED,
    warmup: !values['no-warmup'],
    out: values.out,
    adapters: values.adapter ?? [],
    preset,
  };
}

export function usage(known: KnownNames): string {
  return `Usage: tidekv-bench [options]

Runs the benchmark workloads on every tidekv backend beside its raw native library, prints
a table and writes results.json, results.md and chart.svg to a results folder.

Options:
  -b, --backends <list>    backends to run, comma-separated (default: all)
                           known: ${known.backends.join(', ')}
  -w, --workloads <list>   workloads or groups, comma-separated (default: all)
                           groups: ${Object.keys(known.groups).join(', ')}
                           workloads: ${known.workloads.join(', ')}
      --n <count>          base size: entries for the core workloads (default ${DEFAULT_N});
                           slow workloads use a fraction (see README). Accepts 100k, 1M.
      --value-size <bytes> value (and WAL record) size, >= ${MIN_VALUE_SIZE} (default ${DEFAULT_VALUE_SIZE})
      --runs <count>       timed repetitions per row, each in a fresh location (default ${DEFAULT_RUNS})
      --seed <number>      seed for key orders and request mixes (default ${DEFAULT_SEED})
      --quick              n = ${QUICK_N} (a fast smoke run)
      --full               n = ${FULL_N} (db_bench's default size; takes a long time)
      --no-warmup          skip the untimed warm-up run per row
  -o, --out <dir>          results folder (default: bench-results/<timestamp>/)
      --adapter <path#export>
                           also benchmark a third-party EngineFactory exported by a module,
                           e.g. --adapter ./dist/index.js#myEngine (repeatable)
  -h, --help               show this help

Exit codes: 0 done, 1 a row failed validation or errored, 2 usage error.`;
}
