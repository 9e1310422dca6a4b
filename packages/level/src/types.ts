/** Types shared by the modules that talk to classic-level. */
import type { ClassicLevel } from 'classic-level';

/** A classic-level database opened with Uint8Array ('view') keys and values. */
export type LevelDb = ClassicLevel<Uint8Array, Uint8Array>;

/** One op of a native LevelDB batch, with stored (prefixed) keys. */
export type NativeOp = { type: 'put'; key: Buffer; value: Uint8Array } | { type: 'del'; key: Buffer };
