/** What the meta-tests share: running cases against a broken store and checking what failed. */
import { expect } from 'vitest';

export interface Failures {
  /** The first line of each failing case's error, by case name. */
  failed: Map<string, string>;
  ran: number;
}

/** Runs every case, one after another, and collects the failures instead of stopping at one. */
export async function runEach<C extends { name: string }>(cases: readonly C[], run: (testCase: C) => Promise<void>): Promise<Failures> {
  const failed = new Map<string, string>();
  for (const testCase of cases) {
    try {
      await run(testCase);
    } catch (error) {
      failed.set(testCase.name, error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  }
  return { failed, ran: cases.length };
}

/** Every broken store names at least one case it must fail, and each name is a case that exists. */
export function expectMustFailNamesExist(cases: readonly { name: string }[], broken: readonly { name: string; mustFail: string[] }[]): void {
  const names = new Set(cases.map((c) => c.name));
  for (const store of broken) {
    expect(store.mustFail.length, store.name).toBeGreaterThan(0);
    for (const name of store.mustFail) expect(names.has(name), `${store.name}: no case named "${name}"`).toBe(true);
  }
}
