/** Walking the status tree: find a node by path, visit every node, cut a described tree at a depth. */
import type { StatusNode } from '../../system/status.js';

export function findNode(root: StatusNode, path: string): StatusNode | undefined {
  if (root.path === path) return root;
  for (const child of root.children ?? []) {
    if (path === child.path || path.startsWith(child.path + '/')) return findNode(child, path);
  }
  return undefined;
}

export function* walk(root: StatusNode): Generator<StatusNode> {
  yield root;
  for (const child of root.children ?? []) yield* walk(child);
}

/**
 * The same cut as describeTree(node, depth), on a tree already described: for a view that
 * cannot describe a subtree itself (no `statusAt`). Copies; `node` is left as it was.
 */
export function cutTree(node: StatusNode, depth: number): StatusNode {
  if (node.children === undefined) return node;
  const { children, ...rest } = node;
  if (depth <= 0) return { ...rest, childCount: children.length };
  return { ...rest, children: children.map((child) => cutTree(child, depth - 1)) };
}
