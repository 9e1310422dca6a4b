/** results.md: the environment, the table, the targets and how to read them. */
import type { Environment } from '../env.js';
import type { Row, Skip } from '../runner.js';
import type { TargetResult } from '../targets.js';
import { HEADER, rowCells } from './columns.js';
import { headlineCells } from './headline.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: string[], body: string[][]): string[] {
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** Seconds per workload, the costliest first. */
function timeSpent(rows: readonly Row[]): [string, number][] {
  const seconds = new Map<string, number>();
  for (const row of rows) seconds.set(row.workload, (seconds.get(row.workload) ?? 0) + row.wallMs / 1000);
  return [...seconds].sort((a, b) => b[1] - a[1]);
}

export function renderMarkdown(env: Environment, rows: readonly Row[], targets: readonly TargetResult[], skips: readonly Skip[]): string {
  const lines: string[] = ['# tidekv benchmark results', ''];
  lines.push(
    ...table(
      ['', ''],
      [
        ['date', env.date],
        ['commit', `${env.gitCommit}${env.gitDirty ? ' (uncommitted changes)' : ''}`],
        ['cpu', `${env.cpu} (${env.cores} cores)`],
        ['memory', `${env.memoryGiB} GiB`],
        ['os', env.os],
        ['node', env.node],
        ...(env.clockReadNs !== undefined ? [['clock read', `${env.clockReadNs} ns`]] : []),
        ['libraries', Object.entries(env.libraries).map(([n, v]) => `${n} ${v}`).join(', ')],
        ['options', Object.entries(env.options).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')],
        ...(env.totalSeconds !== undefined ? [['wall time', `${env.totalSeconds.toFixed(0)} s`]] : []),
      ],
    ),
  );
  const headline = headlineCells(rows);
  if (headline.body.length > 0) {
    lines.push('', '## Headline', '', 'Adapter throughput, and in brackets its ratio to the raw library measured in the same run.', '');
    lines.push(...table(headline.header, headline.body));
  }
  lines.push('', '## Results', '');
  lines.push(...table(HEADER, rows.map((row) => rowCells(row, rows, targets))));
  lines.push('', '## Targets', '');
  const measured = targets.filter((t) => t.status !== 'not measured');
  const unmeasured = targets.filter((t) => t.status === 'not measured');
  lines.push(
    ...table(
      ['status', 'workload', 'backend', 'goal', 'measured', 'source'],
      measured.map((t) => [t.status === 'met' ? '✓ met' : '✗ BELOW', t.target.workload, t.target.backend, t.target.goal, t.measured ?? '', t.target.source]),
    ),
  );
  if (unmeasured.length > 0) {
    lines.push('', `Not measured in this run: ${unmeasured.map((t) => `${t.target.workload} · ${t.target.backend} (${t.target.goal})`).join(', ')}.`);
  }
  lines.push('', '## Time spent', '', 'Wall time per workload, every backend and both variants together (untimed preparation, warm-up and validation included).', '');
  lines.push(...table(['workload', 'seconds'], timeSpent(rows).map(([workload, seconds]) => [workload, seconds.toFixed(1)])));
  if (skips.length > 0) {
    lines.push('', '## Skipped', '');
    const grouped = new Map<string, string[]>();
    for (const s of skips) {
      const key = `${s.backend}: ${s.reason}`;
      grouped.set(key, [...(grouped.get(key) ?? []), s.workload]);
    }
    for (const [what, workloads] of grouped) lines.push(`- ${what} (${workloads.join(', ')})`);
  }
  const failures = rows.filter((r) => r.error);
  if (failures.length > 0) {
    lines.push('', '## FAILED rows (no numbers reported)', '');
    for (const r of failures) lines.push(`- ${r.workload} · ${r.backend} · ${r.label}: ${r.error}`);
  }
  lines.push(
    '',
    '## How to read this',
    '',
    '- **ops/s** is the median over the repetitions; **min-max** is the spread. **µs/op** = 1e6 / median ops/s. **MB/s** counts key + value bytes moved.',
    '- **p50 / p99 / p99.9 / max** come from a latency histogram of every repetition merged (1.6% bucket precision). Single operations are timed individually (point reads sample one in 8, YCSB one in 4, because a clock read costs about as much as an in-memory read); batched workloads (fills, overwrite: batches of 1000) and scans (chunks of 1000) record each batch or chunk divided by its size, so their percentiles are per-entry amortised costs.',
    "- **durability**: `none` = acknowledged writes may be lost on a crash; `sync` = fsynced per commit; `group` = fsynced, concurrent commits sharing one fsync. A ratio is only shown between rows of comparable durability.",
    '- **adapter/raw**: on an adapter row, adapter ops/s ÷ the raw library ops/s measured in the same run (1.00x = no overhead). On a `ref:` row, adapter ÷ that reference.',
    '- Rows marked **✗ BELOW** miss a target from the project issues; the targets table lists them all.',
    '',
    'Raw baselines:',
    '',
    ...Object.entries(env.baselines).map(([backend, libs]) => `- ${backend}: ${libs.join('; ')}`),
    '',
  );
  return lines.join('\n');
}
