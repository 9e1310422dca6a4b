/**
 * Result checks. Every workload counts what it found and sums what it read, and compares
 * against what it wrote, so an engine that skips work (or returns the wrong value) fails
 * loudly instead of posting a great number.
 */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export function expectEqual(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new ValidationError(`${what}: expected ${expected}, got ${actual}`);
}
