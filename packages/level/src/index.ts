/**
 * @tidekv/level: the tidekv storage engine over LevelDB, through classic-level.
 */
export { openLevel, levelEngine } from './open-level.js';
export type { LevelOptions } from './options.js';
export { LEVEL_CAPABILITIES } from './capabilities.js';
