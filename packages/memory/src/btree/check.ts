/**
 * Structural invariants of a tree state, for tests: every leaf at one depth, keys strictly
 * increasing, every key between its separators, occupancy within bounds, size correct.
 * Returns a description of the first violation, or undefined when the state is sound.
 */
import { type BNode, compareKeys } from './node.js';
import type { TreeShape, TreeView } from './tree.js';

export function findViolation(view: TreeView, shape: TreeShape): string | undefined {
  let leafDepth = -1;
  let count = 0;
  const visit = (node: BNode, depth: number, low: Uint8Array | undefined, high: Uint8Array | undefined, isRoot: boolean): string | undefined => {
    for (let i = 1; i < node.keys.length; i++) {
      if (compareKeys(node.keys[i - 1]!, node.keys[i]!) >= 0) return `keys not strictly increasing at depth ${depth}`;
    }
    for (const key of node.keys) {
      if (low !== undefined && compareKeys(key, low) < 0) return `key below its lower separator at depth ${depth}`;
      if (high !== undefined && compareKeys(key, high) >= 0) return `key not below its upper separator at depth ${depth}`;
    }
    if (node.children === null) {
      if (node.values === null || node.values.length !== node.keys.length) return 'leaf values do not match keys';
      if (leafDepth === -1) leafDepth = depth;
      else if (leafDepth !== depth) return `leaves at depths ${leafDepth} and ${depth}`;
      if (node.keys.length > shape.maxLeaf) return `leaf holds ${node.keys.length} > ${shape.maxLeaf}`;
      if (!isRoot && node.keys.length < shape.maxLeaf >> 1) return `leaf holds ${node.keys.length} < ${shape.maxLeaf >> 1}`;
      count += node.keys.length;
      return undefined;
    }
    if (node.values !== null) return 'branch carries values';
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
