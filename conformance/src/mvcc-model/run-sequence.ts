/**
 * Runs one random sequence against a store and a fresh reference model side by side and
 * requires identical answers: every response (or error code), the revision and compact
 * revision after every step, and at the end every read at every kept revision (and the
 * hashes, when the store promises hash parity).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { KV } from '@tidekv/core';
import { openReferenceKV } from '../mvcc/reference-kv.js';
import { canonical, outcome, type Canonical } from './canonical.js';
import { invoke, resolveStep, type Call, type Step } from './steps.js';

export interface SequenceSubject {
  /** Opens the store under test (again, after a reopen step, on the same location). */
  open(): Promise<KV>;
  /** Compare hashKV answers with the model's. */
  hashParity: boolean;
}

function describeCall(call: Call): string {
  return `${call.method}(${call.args.map((a) => JSON.stringify(canonical(a))).join(', ')})`;
}

async function finalReads(kv: KV, from: number, to: number): Promise<Canonical[]> {
  const out: Canonical[] = [];
  for (let revision = Math.max(1, from); revision <= to; revision++) {
    out.push(await outcome(() => kv.range('\0', { end: '\0', revision })));
  }
  return out;
}

/** `scratch`: an empty directory for the model's own file (it is reopened with the store). */
export async function runSequence(subject: SequenceSubject, steps: readonly Step[], scratch: string): Promise<void> {
  const modelDir = join(scratch, 'model');
  await mkdir(modelDir, { recursive: true });
  let model = await openReferenceKV({ dir: modelDir });
  let kv = await subject.open();
  const log: string[] = [];
  try {
    for (const [index, step] of steps.entries()) {
      const call = resolveStep(step, model);
      log.push(`#${index} ${describeCall(call)}`);
      const where = () => `step ${log.at(-1)}\n(steps so far:\n${log.join('\n')})`;
      if (call.method === 'reopen') {
        await kv.close();
        await model.close();
        kv = await subject.open();
        model = await openReferenceKV({ dir: modelDir });
      } else if (call.method !== 'hashKV' || subject.hashParity) {
        const expected = await outcome(() => invoke(model, call));
        const actual = await outcome(() => invoke(kv, call));
        expect(actual, where()).toEqual(expected);
      }
      expect({ revision: kv.revision, compactRevision: kv.compactRevision }, `revision and compactRevision after ${where()}`).toEqual({
        revision: model.revision,
        compactRevision: model.compactRevision,
      });
    }
    expect(await finalReads(kv, model.compactRevision, model.revision), `reads at every kept revision at the end\n${log.join('\n')}`).toEqual(
      await finalReads(model, model.compactRevision, model.revision),
    );
    if (subject.hashParity) expect(canonical(await kv.hashKV()), 'final hashKV').toEqual(canonical(await model.hashKV()));
  } finally {
    await model.close();
    await kv.close();
  }
}
