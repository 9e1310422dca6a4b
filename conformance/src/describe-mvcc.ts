/**
 * describeMvcc: registers the MVCC conformance suite for one implementation of the KV
 * interface with vitest. Cases a store cannot run (no reopen, its own hash) are registered
 * and visibly skipped with the reason, never silently left out.
 */
import { describe, it } from 'vitest';
import { mvccCases } from './mvcc-cases/index.js';
import type { DescribeMvccOptions } from './mvcc-options.js';
import { runMvccCase } from './run-mvcc-case.js';
import { resolveMvccOptions } from './validate-mvcc-options.js';

export function describeMvcc(options: DescribeMvccOptions): void {
  const resolved = resolveMvccOptions(options);
  describe(`tidekv MVCC conformance: ${resolved.name}`, () => {
    const cases = mvccCases();
    for (const group of [...new Set(cases.map((c) => c.group))]) {
      describe(group, () => {
        for (const testCase of cases.filter((c) => c.group === group)) {
          const reason = testCase.skip?.(resolved) || false;
          const title = reason ? `${testCase.name} (skipped: ${reason})` : testCase.name;
          it.skipIf(reason !== false)(title, () => runMvccCase(testCase, resolved), testCase.timeout);
        }
      });
    }
  });
}
