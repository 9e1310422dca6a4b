/**
 * @tidekv/level: the tidekv storage engine over LevelDB, through classic-level.
 */
export { openLevel, levelEngine } from './engine.js';
export type { LevelOptions } from './options.js';
export { LEVEL_CAPABILITIES } from './capabilities.js';
