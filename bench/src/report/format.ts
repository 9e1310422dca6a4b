/** Number formatting shared by the table, Markdown and chart. */

/** 1234567 -> '1.23M', 45678 -> '45.7k', 812 -> '812'. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)}k`;
  return value.toFixed(value >= 100 ? 0 : 1);
}

/** Microseconds with three significant digits, switching to ms at 10,000 µs. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '-';
  if (us >= 10_000) return `${(us / 1000).toFixed(1)}ms`;
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  if (us >= 1) return us.toFixed(2);
  return us.toFixed(3);
}

export function formatMegabytes(mbPerSec: number): string {
  if (!Number.isFinite(mbPerSec)) return '-';
  return mbPerSec >= 100 ? mbPerSec.toFixed(0) : mbPerSec.toFixed(1);
}

export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '' : `${ratio.toFixed(2)}x`;
}

/** Rounds for JSON: enough digits to be useful, none that are noise. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
