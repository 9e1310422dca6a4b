/**
 * Runs the selected workloads on the selected backends. For each (workload, backend) pair:
 * one warm-up run per subject at a tenth of the size (JIT, caches; not recorded), then
 * `runs` repetitions, adapter and raw interleaved so drift on a shared machine hits both
 * alike. Every run gets a fresh directory, a freshly opened store and the same seed for
 * every subject; it is validated before its numbers count. Beside them each subject keeps one
 * idle, empty store open for the whole pair (resident.ts), as an application keeps its store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Durability, KvDriver, LogDriver, Subject, Variant } from './driver.js';
import type { Backend } from './backends/registry.js';
import { BackendUnavailableError } from './backends/registry.js';
import type { Workload } from './workloads/index.js';
import { LatencyHistogram } from './stats/histogram.js';
import { summarizeRuns, type RunResult, type Summary } from './stats/summary.js';
import type { Progress } from './progress.js';
import { DEFAULT_RUNS } from './options.js';
import { openResidents } from './resident.js';

export interface RunOptions {
  /** The --n every workload scales from. */
  n: number;
  valueSize: number;
  /** Runs per row; undefined = each workload's defaultRuns, else DEFAULT_RUNS. */
  runs: number | undefined;
  seed: number;
  warmup: boolean;
  /** Parent of the per-run temporary directories. */
  tmpRoot?: string;
}

/** How many runs rows get, for the report: '5', or '5 (3 for mvcc-reopen, mvcc-compact)'. */
export function describeRuns(runs: number | undefined, workloads: readonly Workload[]): string {
  if (runs !== undefined) return String(runs);
  const fewer = workloads.filter((w) => w.defaultRuns !== undefined && w.defaultRuns !== DEFAULT_RUNS);
  const counts = [...new Set(fewer.map((w) => w.defaultRuns!))];
  const notes = counts.map((count) => `${count} for ${fewer.filter((w) => w.defaultRuns === count).map((w) => w.name).join(', ')}`);
  return notes.length ? `${DEFAULT_RUNS} (${notes.join('; ')})` : String(DEFAULT_RUNS);
}

export interface Row {
  workload: string;
  backend: string;
  variant: Variant;
  /** What this row measured, e.g. '@tidekv/level 0.0.0' or 'classic-level 3.0.0'. */
  label: string;
  role: 'primary' | 'reference';
  durability: Durability;
  note: string | undefined;
  /** Present when every run completed and validated. */
  summary?: Summary;
  /** Present when a run threw or failed validation: the row has no numbers. */
  error?: string;
  /** Wall time this row took, untimed preparation, warm-up and validation included. */
  wallMs: number;
}

export interface Skip {
  workload: string;
  backend: string;
  reason: string;
}

export interface BenchOutcome {
  rows: Row[];
  skips: Skip[];
  elapsedMs: number;
}

type AnySubject = Subject<KvDriver> | Subject<LogDriver>;

/** One timed repetition in a fresh directory. */
export async function runOnce(workload: Workload, subject: AnySubject, config: { n: number; valueSize: number; seed: number }, tmpRoot = tmpdir()): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpRoot, `tidekv-bench-${workload.name}-`));
  try {
    const driver = await subject.open({ dir, durable: workload.durable });
    try {
      const prepared =
        workload.kind === 'engine'
          ? await workload.prepare(driver as KvDriver, config)
          : await workload.prepare(driver as LogDriver, config);
      const histogram = new LatencyHistogram();
      const start = performance.now();
      await prepared.run(histogram);
      const elapsedMs = performance.now() - start;
      await prepared.validate();
      return { ops: prepared.ops, bytes: prepared.bytes, elapsedMs, histogram };
    } finally {
      await driver.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * A full collection before every run, so that no run pays in its timed region for garbage the
 * previous subject left (a minor or major GC there costs milliseconds, as much as a whole
 * short row). `gc` exists without --expose-gc too: the flag is set at run time and the function
 * taken from a fresh context, where V8 installs it.
 */
const gc: (() => void) | undefined = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

function collectGarbage(): void {
  gc?.();
}

/** Resolves each backend's subjects once: adapter first (when it loads), then raw. */
export async function resolveSubjects(backends: readonly Backend[], progress?: Progress): Promise<Map<Backend, { subjects: AnySubject[]; unavailable?: string }>> {
  const out = new Map<Backend, { subjects: AnySubject[]; unavailable?: string }>();
  for (const backend of backends) {
    try {
      out.set(backend, { subjects: [await backend.adapter(), ...backend.raw] });
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
      progress?.note(`skipping the ${backend.name} adapter: ${error.message}; its raw baseline still runs`);
      out.set(backend, { subjects: [...backend.raw], unavailable: error.message });
    }
  }
  return out;
}

export async function runBench(workloads: readonly Workload[], backends: readonly Backend[], options: RunOptions, progress?: Progress): Promise<BenchOutcome> {
  const started = performance.now();
  const resolved = await resolveSubjects(backends, progress);
  const rows: Row[] = [];
  const skips: Skip[] = [];

  const pairs: { workload: Workload; backend: Backend; subjects: AnySubject[] }[] = [];
  for (const workload of workloads) {
    for (const backend of backends) {
      if (backend.kind !== workload.kind) continue;
      const { subjects: all, unavailable } = resolved.get(backend)!;
      const subjects = all.filter((s) => !s.skips?.includes(workload.name) && (s.runsOnly?.includes(workload.name) ?? true));
      if (unavailable) skips.push({ workload: workload.name, backend: backend.name, reason: `adapter unavailable: ${unavailable}` });
      if (workload.durable && !backend.durable) {
        skips.push({ workload: workload.name, backend: backend.name, reason: 'the backend cannot make writes durable' });
        continue;
      }
      if (subjects.length > 0) pairs.push({ workload, backend, subjects });
    }
  }

  const runsOf = (workload: Workload) => options.runs ?? workload.defaultRuns ?? DEFAULT_RUNS;
  const total = pairs.reduce((sum, p) => sum + p.subjects.length * (runsOf(p.workload) + (options.warmup ? 1 : 0)), 0);
  let step = 0;

  for (const { workload, backend, subjects } of pairs) {
    const n = workload.scale(options.n);
    const runs = runsOf(workload);
    const results = subjects.map(() => [] as RunResult[]);
    const errors: (string | undefined)[] = subjects.map(() => undefined);
    const wallMs = subjects.map(() => 0);
    const attempt = async (index: number, config: { n: number; valueSize: number; seed: number }, what: string) => {
      const subject = subjects[index]!;
      progress?.update(++step, total, `${workload.name} · ${backend.name} · ${subject.label} · ${what}`);
      if (errors[index]) return undefined;
      const start = performance.now();
      try {
        collectGarbage();
        return await runOnce(workload, subject, config, options.tmpRoot);
      } catch (error) {
        errors[index] = message(error);
        progress?.note(`FAILED ${workload.name} · ${backend.name} · ${subject.label}: ${errors[index]}`);
        return undefined;
      } finally {
        wallMs[index]! += performance.now() - start;
      }
    };
    const closeResidents = await openResidents(subjects, workload.durable, options.tmpRoot);
    try {
      if (options.warmup) {
        const warmN = Math.max(1, Math.floor(n / 10));
        for (let i = 0; i < subjects.length; i++) await attempt(i, { n: warmN, valueSize: options.valueSize, seed: options.seed }, 'warm-up');
      }
      for (let run = 0; run < runs; run++) {
        for (let i = 0; i < subjects.length; i++) {
          const result = await attempt(i, { n, valueSize: options.valueSize, seed: options.seed + run }, `run ${run + 1}/${runs}`);
          if (result) results[i]!.push(result);
        }
      }
    } finally {
      await closeResidents();
    }
    subjects.forEach((subject, i) => {
      const row: Row = {
        workload: workload.name,
        backend: backend.name,
        variant: subject.variant,
        label: subject.label,
        role: subject.role,
        durability: workload.durability(subject.variant),
        note: subject.note,
        wallMs: wallMs[i]!,
      };
      if (errors[i]) row.error = errors[i];
      else row.summary = summarizeRuns(results[i]!);
      rows.push(row);
    });
  }
  progress?.clear();
  return { rows, skips, elapsedMs: performance.now() - started };
}
