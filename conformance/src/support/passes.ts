import { PASSES, type Pass } from '../options.js';

/**
 * Why a case runs in the first pass only, or false in the first pass (and when no pass is
 * given, as when runCase is called directly): for cases whose subject does not depend on the
 * keyspace, or that cover the second pass's keyspace from the first.
 */
export function firstPassOnly(pass: Pass | undefined, why: string): string | false {
  return pass !== undefined && pass.keyspace !== PASSES[0]!.keyspace ? `run once, in the first pass: ${why}` : false;
}
