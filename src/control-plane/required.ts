/** Which actors are ready right now (a restarted control plane rebuilds its model from them). */
import type { StatusNode } from '../system/status.js';
import { walk } from '../admin/routes/tree.js';

export function readyPaths(tree: StatusNode): string[] {
  return [...walk(tree)].filter((n) => n.ready).map((n) => n.path);
}
