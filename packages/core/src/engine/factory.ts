/** The one way an adapter states its EngineFactory: a frozen { name, capabilities, open }. */
import type { Capabilities, EngineFactory, StorageEngine } from './types.js';

/**
 * The factory the conformance suite and the benchmark open an adapter through. `capabilities`
 * are what `open` gives with its defaults; an engine reports its own in `engine.capabilities`.
 */
export function engineFactory<Options>(
  name: string,
  capabilities: Capabilities,
  open: (options: Options) => Promise<StorageEngine>,
): EngineFactory<Options> {
  return Object.freeze({ name, capabilities, open });
}
