/**
 * The reference model's whole state: a plain list of every change ever made, in revision
 * order, with no index. Every read scans it. That is slow and obviously correct, which is
 * the point: the conformance suite compares real stores against it.
 */
import type { KeyValue } from '@tidekv/core';
import { byteOrder, hex } from '../support/bytes.js';
import { selects, type KeySelection } from './key-range.js';

export interface Change {
  /** The store-wide revision of the commit. */
  main: number;
  /** The change's index inside its commit. */
  sub: number;
  tombstone: boolean;
  /** A put's KeyValue; a tombstone's is the key with every other field zero and an empty value. */
  kv: KeyValue;
}

export function tombstoneKv(key: Uint8Array): KeyValue {
  return { key, value: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, lease: 0 };
}

export function copyKv(kv: KeyValue): KeyValue {
  return { ...kv, key: kv.key.slice(), value: kv.value.slice() };
}

export class History {
  constructor(readonly changes: Change[] = []) {}

  clone(): History {
    return new History([...this.changes]);
  }

  /** The latest change of each key made at or below revision `rev`, in key order. */
  latestAt(rev: number): Change[] {
    const latest = new Map<string, Change>();
    for (const change of this.changes) if (change.main <= rev) latest.set(hex(change.kv.key)!, change);
    return [...latest.values()].sort((a, b) => byteOrder(a.kv.key, b.kv.key));
  }

  /** The keys that exist at revision `rev` within `selection`, in key order. */
  liveAt(rev: number, selection: KeySelection): KeyValue[] {
    return this.latestAt(rev)
      .filter((change) => !change.tombstone && selects(selection, change.kv.key))
      .map((change) => change.kv);
  }

  /** The key's state at revision `rev`, or undefined when it does not exist then. */
  get(key: Uint8Array, rev: number): KeyValue | undefined {
    return this.liveAt(rev, { kind: 'single', key })[0];
  }

  append(change: Change): void {
    const last = this.changes.at(-1);
    if (last && (change.main < last.main || (change.main === last.main && change.sub <= last.sub))) {
      throw new Error(`reference model: change ${change.main}.${change.sub} after ${last.main}.${last.sub}`);
    }
    this.changes.push(change);
  }

  /**
   * Keeps what reads at revisions >= `rev` can still see: every change above `rev`, and for
   * each key its latest change at or below `rev` when that change is a put. A tombstone at or
   * below `rev` goes (a read at `rev` finds no change for the key, which means absent too).
   */
  compact(rev: number): void {
    const survivors = new Set(this.latestAt(rev).filter((c) => !c.tombstone));
    const kept = this.changes.filter((c) => c.main > rev || survivors.has(c));
    this.changes.splice(0, this.changes.length, ...kept);
  }
}
