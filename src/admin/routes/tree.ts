/** Walking the status tree: find a node by path, visit every node. */
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
