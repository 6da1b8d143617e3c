/** Walking the status tree: every node, depth first. */
import type { StatusNode } from '../../system/status.js';

export function* walk(root: StatusNode): Generator<StatusNode> {
  yield root;
  for (const child of root.children ?? []) yield* walk(child);
}
