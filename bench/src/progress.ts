/**
 * The live progress line on stderr: one status line rewritten in place with `\r` when stderr
 * is a terminal, one line per step otherwise (CI logs, pipes), so a reader always sees what
 * is running.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function elapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

export class Progress {
  #lastLength = 0;
  readonly #started: number;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#started = now();
  }

  update(step: number, total: number, text: string): void {
    const line = `[${String(step).padStart(String(total).length)}/${total} ${elapsed(this.now() - this.#started)}] ${text}`;
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns ?? 100) - 1);
      const shown = line.length > width ? line.slice(0, width - 1) + '…' : line;
      this.stream.write('\r' + shown.padEnd(this.#lastLength));
      this.#lastLength = shown.length;
    } else {
      this.stream.write(line + '\n');
    }
  }

  /** A message that stays (a skipped backend, a failed row). */
  note(text: string): void {
    this.clear();
    this.stream.write(text + '\n');
  }

  clear(): void {
    if (this.stream.isTTY && this.#lastLength > 0) this.stream.write('\r' + ' '.repeat(this.#lastLength) + '\r');
    this.#lastLength = 0;
  }
}
