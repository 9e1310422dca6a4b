/**
 * `@tidekv/conformance/reference`: the reference engine on its own, without vitest, so a
 * plain Node process (such as the crash-test child) can import it.
 */
export { referenceEngine, openReference, ReferenceEngine, type ReferenceEngineOptions } from './reference/reference-engine.js';
