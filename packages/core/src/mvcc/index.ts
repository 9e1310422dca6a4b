export type * from './kv.js';
export { encodeKeyValue, decodeKeyValue, tombstoneKeyValue } from './layout.js';
