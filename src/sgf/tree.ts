import type { SgfNode } from './types.js';

/** The nodes from `root` following the first child at every step (the main line), root included. */
export function mainLine(root: SgfNode): SgfNode[] {
  const line: SgfNode[] = [];
  let cur: SgfNode | undefined = root;
  while (cur !== undefined) {
    line.push(cur);
    cur = cur.children[0];
  }
  return line;
}

/**
 * The nodes of one variation: from `root` down, taking child `path[k]` at the k-th fork (node with
 * 2+ children) and the only/first child elsewhere; forks beyond the path take child 0. Throws Error
 * naming the fork when an index is out of range.
 */
export function variationLine(root: SgfNode, path: readonly number[] = []): SgfNode[] {
  const line: SgfNode[] = [];
  let cur: SgfNode | undefined = root;
  let fork = 0;
  while (cur !== undefined) {
    line.push(cur);
    const kids: SgfNode[] = cur.children;
    if (kids.length > 1) {
      const pick = fork < path.length ? path[fork]! : 0;
      if (!Number.isInteger(pick) || pick < 0 || pick >= kids.length) {
        throw new Error(`variation path: fork ${fork} (after node ${line.length - 1}) has ${kids.length} children, index ${pick} is out of range`);
      }
      fork++;
      cur = kids[pick];
    } else cur = kids[0];
  }
  if (fork < path.length) {
    throw new Error(`variation path: ${path.length} fork indexes given but the line has only ${fork} forks`);
  }
  return line;
}

/**
 * Visits every node in pre-order (a node before its children, children in order) with its depth
 * (root = 0), using an explicit stack. Returning false from `visit` skips that node's children.
 */
export function walkTree(root: SgfNode, visit: (node: SgfNode, depth: number) => boolean | void): void {
  const nodes: SgfNode[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (visit(node, depth) === false) continue;
    for (let k = node.children.length - 1; k >= 0; k--) {
      nodes.push(node.children[k]!);
      depths.push(depth + 1);
    }
  }
}

/** Number of nodes in the tree under (and including) `root`. */
export function countNodes(root: SgfNode): number {
  let count = 0;
  walkTree(root, () => {
    count++;
  });
  return count;
}

/** Deep equality of two trees (same property names, values and children, in order), iterative. */
export function treesEqual(a: SgfNode, b: SgfNode): boolean {
  const left: SgfNode[] = [a];
  const right: SgfNode[] = [b];
  while (left.length > 0) {
    const x = left.pop()!;
    const y = right.pop()!;
    const kx = Object.keys(x.props);
    if (kx.length !== Object.keys(y.props).length) return false;
    for (const k of kx) {
      const vx = x.props[k]!;
      const vy = y.props[k];
      if (vy === undefined || vx.length !== vy.length) return false;
      for (let i = 0; i < vx.length; i++) if (vx[i] !== vy[i]) return false;
    }
    if (x.children.length !== y.children.length) return false;
    for (let i = 0; i < x.children.length; i++) {
      left.push(x.children[i]!);
      right.push(y.children[i]!);
    }
  }
  return true;
}
