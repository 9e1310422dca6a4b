/**
 * Structural invariants of a tree state, for tests: every leaf at one depth, keys strictly
 * increasing, every key between its separators, occupancy within bounds, size correct, and
 * each leaf arena's accounting exact (live bytes + garbage = used <= capacity).
 * Returns a description of the first violation, or undefined when the state is sound.
 */
import { compareBytes } from '@tidekv/core';
import { HEADER, INLINE_MAX, entryCount, keyAt, keyLengthAt, valueLengthAt } from './leaf.js';
import type { BNode } from './node.js';
import type { TreeShape, TreeView } from './tree.js';

function leafViolation(leaf: BNode): string | undefined {
  let live = 0;
  let outside = 0;
  for (let i = 0; i < entryCount(leaf); i++) {
    const valueLength = valueLengthAt(leaf, i);
    live += HEADER + keyLengthAt(leaf, i) + (valueLength > INLINE_MAX ? 0 : valueLength);
    if (valueLength > INLINE_MAX) {
      outside++;
      if (leaf.outside?.get(leaf.offsets[i]!)?.length !== valueLength) return `entry ${i} lost its out-of-line value`;
    }
  }
  if (live + leaf.garbage !== leaf.used) return `arena accounting: live ${live} + garbage ${leaf.garbage} != used ${leaf.used}`;
  if (leaf.used > leaf.data.length) return 'arena overflow';
  if ((leaf.outside?.size ?? 0) !== outside) return `outside map holds ${leaf.outside?.size ?? 0} values for ${outside} entries`;
  return undefined;
}

export function findViolation(view: TreeView, shape: TreeShape): string | undefined {
  let leafDepth = -1;
  let count = 0;
  const visit = (node: BNode, depth: number, low: Uint8Array | undefined, high: Uint8Array | undefined, isRoot: boolean): string | undefined => {
    const keys = node.children === null ? Array.from({ length: entryCount(node) }, (_, i) => keyAt(node, i)) : node.keys;
    for (let i = 1; i < keys.length; i++) {
      if (compareBytes(keys[i - 1]!, keys[i]!) >= 0) return `keys not strictly increasing at depth ${depth}`;
    }
    for (const key of keys) {
      if (low !== undefined && compareBytes(key, low) < 0) return `key below its lower separator at depth ${depth}`;
      if (high !== undefined && compareBytes(key, high) >= 0) return `key not below its upper separator at depth ${depth}`;
    }
    if (node.children === null) {
      const problem = leafViolation(node);
      if (problem) return problem;
      if (leafDepth === -1) leafDepth = depth;
      else if (leafDepth !== depth) return `leaves at depths ${leafDepth} and ${depth}`;
      if (keys.length > shape.maxLeaf) return `leaf holds ${keys.length} > ${shape.maxLeaf}`;
      if (!isRoot && keys.length < shape.maxLeaf >> 1) return `leaf holds ${keys.length} < ${shape.maxLeaf >> 1}`;
      count += keys.length;
      return undefined;
    }
    if (node.children.length !== node.keys.length + 1) return 'branch children do not match its separators';
    if (node.children.length > shape.maxChildren) return `branch has ${node.children.length} > ${shape.maxChildren} children`;
    const min = isRoot ? 2 : shape.maxChildren >> 1;
    if (node.children.length < min) return `branch has ${node.children.length} < ${min} children`;
    for (let i = 0; i < node.children.length; i++) {
      const problem = visit(node.children[i]!, depth + 1, i === 0 ? low : node.keys[i - 1], i === node.keys.length ? high : node.keys[i], false);
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = visit(view.root, 0, undefined, undefined, true);
  if (problem) return problem;
  if (count !== view.size) return `size is ${view.size} but the leaves hold ${count}`;
  return undefined;
}
