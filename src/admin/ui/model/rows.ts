/**
 * The tree as rows on screen: which nodes are visible (collapsed supervisors hide their
 * subtree; one with more than LARGE_SUPERVISOR children starts collapsed, so a 10k-actor
 * tree opens as a handful of rows), what a collapsed supervisor says about what is below it,
 * and the filter that shows only matching paths and their ancestors.
 */
import { walkTree, type NodeView, type Tree } from './tree.js';

/** A supervisor with more children than this starts collapsed. */
export const LARGE_SUPERVISOR = 50;

/** What is below a supervisor, counted over its whole subtree (itself excluded). */
export interface Summary {
  actors: number;
  workers: number;
  notReady: number;
  backoff: number;
  failed: number;
  restarts: number;
  dropped: number;
}

export interface RowsOptions {
  /** Supervisors the user opened. */
  readonly expanded: ReadonlySet<string>;
  /** Supervisors the user closed. */
  readonly collapsed: ReadonlySet<string>;
  /** Only paths containing this (case-insensitive) and their ancestors; '' = all. */
  readonly filter?: string;
}

export interface Row {
  readonly path: string;
  readonly depth: number;
  /** Has children to show or hide. */
  readonly expandable: boolean;
  readonly open: boolean;
  /** The row matches the filter itself (not only as an ancestor of a match). */
  readonly match: boolean;
}

/** A worker that should be ready and is not: not completed, not a stopped optional one. */
export function isNotReady(node: NodeView): boolean {
  if (node.type !== 'worker' || node.ready) return false;
  return !(node.status === 'completed' || node.status === 'standby' || (node.status === 'stopped' && !node.required));
}

/** Every supervisor's summary, in one pass from the leaves up. */
export function summarise(tree: Tree): Map<string, Summary> {
  const out = new Map<string, Summary>();
  const order = [...walkTree(tree)];
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.type !== 'supervisor') continue;
    const s: Summary = { actors: 0, workers: 0, notReady: 0, backoff: 0, failed: 0, restarts: 0, dropped: 0 };
    for (const path of node.children) {
      const child = tree.nodes.get(path);
      if (!child) continue;
      s.actors++;
      s.restarts += child.restarts;
      if (child.status === 'backoff') s.backoff++;
      if (child.status === 'failed') s.failed++;
      if (child.type === 'worker') {
        s.workers++;
        if (isNotReady(child)) s.notReady++;
        s.dropped += child.mailbox?.dropped ?? 0;
      } else {
        const below = out.get(child.path);
        if (below) {
          for (const k of Object.keys(s) as (keyof Summary)[]) s[k] += below[k];
        }
      }
    }
    out.set(node.path, s);
  }
  return out;
}

/** "10000 actors · 3 not ready · 1 in backoff · 12 restarts": what a collapsed supervisor shows. */
export function summaryText(s: Summary | undefined, childCount?: number): string {
  if (!s) return childCount === undefined ? '' : `${childCount} children (not loaded)`;
  const parts = [`${s.actors} actor${s.actors === 1 ? '' : 's'}`];
  if (s.notReady > 0) parts.push(`${s.notReady} not ready`);
  if (s.backoff > 0) parts.push(`${s.backoff} in backoff`);
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.restarts > 0) parts.push(`${s.restarts} restart${s.restarts === 1 ? '' : 's'}`);
  if (s.dropped > 0) parts.push(`${s.dropped} dropped`);
  return parts.join(' · ');
}

/** Whether a supervisor shows its children (the user's choice first, then the default). */
export function isOpen(tree: Tree, node: NodeView, options: RowsOptions): boolean {
  if (options.expanded.has(node.path)) return true;
  if (options.collapsed.has(node.path)) return false;
  return node.path === tree.root || node.children.length <= LARGE_SUPERVISOR;
}

/** The rows on screen, top to bottom. */
export function visibleRows(tree: Tree, options: RowsOptions): Row[] {
  if (tree.root === undefined) return [];
  const filter = (options.filter ?? '').trim().toLowerCase();
  const keep = filter === '' ? undefined : matching(tree, filter);
  if (keep && keep.size === 0) return [];
  const rows: Row[] = [];
  const stack: [string, number][] = [[tree.root, 0]];
  while (stack.length > 0) {
    const [path, depth] = stack.pop()!;
    const node = tree.nodes.get(path);
    if (!node || (keep && !keep.has(path))) continue;
    const expandable = node.children.length > 0;
    // A filter opens the ancestors of what it found; a match itself keeps the user's choice.
    const match = keep === undefined || node.path.toLowerCase().includes(filter);
    const open = expandable && (keep && !match ? true : isOpen(tree, node, options));
    rows.push({ path, depth, expandable, open, match: keep !== undefined && match });
    if (!open) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, depth + 1]);
  }
  return rows;
}

/** Paths that match and every ancestor of one. */
function matching(tree: Tree, filter: string): Set<string> {
  const keep = new Set<string>();
  for (const node of walkTree(tree)) {
    if (!node.path.toLowerCase().includes(filter)) continue;
    for (let p: string | undefined = node.path; p !== undefined && !keep.has(p); p = tree.nodes.get(p)?.parent) keep.add(p);
  }
  return keep;
}
