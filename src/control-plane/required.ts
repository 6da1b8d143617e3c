/** Which actors the readiness model waits for, and which are ready right now. */
import type { ChildSpec, SupervisorSpec } from '../spec/types.js';
import type { StatusNode } from '../system/status.js';
import { walk } from '../admin/routes/tree.js';

/** Paths of every actor whose spec says `readiness.required` (default: the root's children). */
export function requiredPaths(root: SupervisorSpec): string[] {
  const out: string[] = [];
  const visit = (spec: ChildSpec, path: string) => {
    if (spec.readiness.required) out.push(path);
    if (spec.kind === 'supervisor') for (const c of spec.children) visit(c, `${path}/${c.id}`);
  };
  for (const c of root.children) visit(c, `root/${c.id}`);
  return out;
}

export function readyPaths(tree: StatusNode): string[] {
  return [...walk(tree)].filter((n) => n.ready).map((n) => n.path);
}
