/**
 * The conformance suite against the memory adapter, as the mutation run executes it for each
 * mutant. The crash and child-process lock cases load the built dist, which a mutant of the
 * sources never reaches, so this file leaves `crash` out and those cases show as skipped.
 */
import { describeEngine } from '@tidekv/conformance';
import { openMemory } from '@tidekv/memory';

describeEngine({ name: 'memory (ephemeral)', open: () => openMemory(), reopen: false, modelRuns: 10 });
describeEngine({ name: 'memory (persistent)', open: ({ dir }) => openMemory({ path: dir }), modelRuns: 10 });
