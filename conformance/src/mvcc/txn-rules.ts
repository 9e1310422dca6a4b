/**
 * The checks etcd makes on a request before it runs anything, in etcd's order (the order
 * decides which error a request with several problems gets):
 *
 * 1. per request, recursively: more than `maxTxnOps` compares, success or failure ops ->
 *    TOO_MANY_OPS (a nested txn may use only what its parent left: max - the parent's
 *    largest list); an empty key in a compare or op -> INVALID_KEY; a put with ignoreValue
 *    and a value, or ignoreLease and a lease -> INVALID_ARGUMENT;
 * 2. DUPLICATE_KEY: within each branch (success, then failure), a key put twice, or put
 *    inside a range deleted in the same branch, nested txns included. A key may be put in
 *    both branches of one nested txn. Deletes may overlap each other.
 *
 * Range checks against the store (COMPACTED, FUTURE_REV, KEY_NOT_FOUND, LEASE_NOT_FOUND)
 * happen later, on the branches the compares select: see reference-kv.ts.
 */
import { TidekvError } from '@tidekv/core';
import { hex } from '../support/bytes.js';
import { selects, type KeySelection } from './key-range.js';
import type { OpRequest, PutRequest, TxnRequest } from './request.js';

function emptyKey(): never {
  throw new TidekvError('INVALID_KEY', 'the key must not be empty');
}

/** The checks etcd applies to a single put, top-level or inside a txn. */
export function checkPut(op: PutRequest): void {
  if (op.key.length === 0) emptyKey();
  if (op.ignoreValue && op.value.length > 0) throw new TidekvError('INVALID_ARGUMENT', 'ignoreValue is set, so the value must be empty');
  if (op.ignoreLease && op.lease !== 0) throw new TidekvError('INVALID_ARGUMENT', 'ignoreLease is set, so the lease must be 0');
}

export function checkKey(key: Uint8Array): void {
  if (key.length === 0) emptyKey();
}

export function checkTxn(txn: TxnRequest, maxTxnOps: number): void {
  const ops = Math.max(txn.compare.length, txn.success.length, txn.failure.length);
  if (ops > maxTxnOps) {
    throw new TidekvError('TOO_MANY_OPS', `a txn may hold at most ${maxTxnOps} compares and ${maxTxnOps} ops per branch, got ${ops}`);
  }
  for (const compare of txn.compare) checkKey(compare.key);
  for (const op of [...txn.success, ...txn.failure]) {
    if (op.type === 'put') checkPut(op);
    else if (op.type === 'txn') checkTxn(op, maxTxnOps - ops);
    else checkKey(op.key);
  }
}

/**
 * Whether a put of `key` falls inside a delete. etcd checks this with an interval tree in
 * which a from-key delete (end "\0") is the interval [key, "\0"), which contains nothing, so
 * such a delete never conflicts with a put; an `end <= key` delete conflicts with nothing.
 */
function deleteCovers(selection: KeySelection, key: Uint8Array): boolean {
  return selection.kind !== 'from' && selects(selection, key);
}

interface BranchKeys {
  puts: Set<string>;
  putKeys: Map<string, Uint8Array>;
  deletes: KeySelection[];
}

function duplicate(key: Uint8Array): never {
  throw new TidekvError('DUPLICATE_KEY', `the key ${hex(key)} is put twice, or put and deleted, in one branch of the txn`);
}

function branchKeys(ops: readonly OpRequest[]): BranchKeys {
  const deletes: KeySelection[] = ops.flatMap((op) => (op.type === 'deleteRange' ? [op.selection] : []));
  const puts = new Set<string>();
  const putKeys = new Map<string, Uint8Array>();
  const deleted = (key: Uint8Array) => deletes.some((d) => deleteCovers(d, key));
  const add = (id: string, key: Uint8Array) => {
    puts.add(id);
    putKeys.set(id, key);
  };
  // Nested txns first, in order: each one's puts meet the deletes of this level and of the
  // nested txns before it.
  for (const op of ops) {
    if (op.type !== 'txn') continue;
    const then = branchKeys(op.success);
    const otherwise = branchKeys(op.failure);
    for (const [id, key] of then.putKeys) {
      if (puts.has(id) || deleted(key)) duplicate(key);
      add(id, key);
    }
    for (const [id, key] of otherwise.putKeys) {
      if ((puts.has(id) && !then.puts.has(id)) || deleted(key)) duplicate(key);
      add(id, key);
    }
    deletes.push(...then.deletes, ...otherwise.deletes);
  }
  for (const op of ops) {
    if (op.type !== 'put') continue;
    const id = hex(op.key)!;
    if (puts.has(id) || deleted(op.key)) duplicate(op.key);
    add(id, op.key);
  }
  return { puts, putKeys, deletes };
}

export function checkDuplicateKeys(txn: TxnRequest): void {
  branchKeys(txn.success);
  branchKeys(txn.failure);
}
