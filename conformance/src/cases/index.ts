import type { Case, ResolvedOptions } from '../case.js';
import { crudCases } from './crud.js';
import { binaryKeyCases } from './binary-keys.js';
import { orderCases } from './order.js';
import { rangeMatrixCases } from './range-matrix.js';

/** Every engine case, in the order they are registered. */
export function engineCases(_options: ResolvedOptions): Case[] {
  return [...crudCases, ...binaryKeyCases, ...orderCases, ...rangeMatrixCases];
}
